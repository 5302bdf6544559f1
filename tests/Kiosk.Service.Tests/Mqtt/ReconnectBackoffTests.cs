using Kiosk.Mqtt;

namespace Kiosk.Service.Tests.Mqtt;

/// <summary>Exponential back-off with full jitter.</summary>
public sealed class ReconnectBackoffTests
{
    [Fact]
    public void CapDoublesPerAttemptUpToTheMaximum()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60], Enumerable.Range(0, 8).Select(a => backoff.Cap(a).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(60), backoff.Cap(1000));
    }

    [Fact]
    public void WaitsAreUniformBetweenZeroAndTheCapSoKiosksSpreadOut()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(7));
        var waits = Enumerable.Range(0, 10_000).Select(_ => backoff.Next(10).TotalSeconds).ToArray();
        Assert.All(waits, w => Assert.InRange(w, 0, 60));

        // Full jitter: the waits cover the whole range, a thousand kiosks do not come back together.
        var buckets = waits.GroupBy(w => (int)(w / 6)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10, buckets.Count);
        Assert.All(buckets.Values, n => Assert.InRange(n, 800, 1200));
    }

    [Fact]
    public void RejectsNonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }
}
