namespace Kiosk.Mqtt;

/// <summary>
/// Exponential back-off with full jitter (wait uniform in [0, min(max, min × 2^attempt)]), for both MQTT links
/// (the fleet connection and the color-feed client): after a broker outage a thousand kiosks spread their reconnects instead of stampeding.
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly Random _random;

    /// <summary>Creates the back-off.</summary>
    /// <param name="min">Cap of the first wait.</param>
    /// <param name="max">Largest cap.</param>
    /// <param name="random">Randomness (seeded in tests); null = <see cref="Random.Shared"/>.</param>
    public ReconnectBackoff(TimeSpan min, TimeSpan max, Random? random = null)
    {
        if (min <= TimeSpan.Zero || max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(min), "Need 0 < min ≤ max.");
        }

        _min = min;
        _max = max;
        _random = random ?? Random.Shared;
    }

    /// <summary>The cap for the given attempt (0-based).</summary>
    public TimeSpan Cap(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt, 0, 30));
        var ticks = Math.Min(_max.Ticks, _min.Ticks * factor);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The wait before the next attempt (0-based attempt count of failures so far).</summary>
    public TimeSpan Next(int attempt) => TimeSpan.FromTicks((long)(_random.NextDouble() * Cap(attempt).Ticks));
}
