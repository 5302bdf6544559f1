using Kiosk.Core.Events;

namespace Kiosk.Service.Tests.Core;

/// <summary>The <c>--events</c> file: every write error is kept, later lines are refused, and disposal never hides one.</summary>
public sealed class JsonLinesEventSinkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("events-sink-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DecisionEvent Decision(long seq) => new()
    {
        EventId = Guid.CreateVersion7(),
        Seq = seq,
        At = DateTimeOffset.UnixEpoch,
        Outcome = "pass",
        Reason = "ok",
        TemperatureC = null,
        Issuer = null,
        CodeRef = null,
        Via = "qr",
        LatencyMs = 1,
    };

    [Fact]
    public void AFailedWriteIsKeptRefusesLaterLinesAndSurvivesDisposal()
    {
        var sink = new JsonLinesEventSink("/dev/full");
        Assert.Throws<IOException>(() => sink.Publish(Decision(1)));
        Assert.NotNull(sink.Failure);
        Assert.Throws<IOException>(() => sink.Publish(Decision(2)));
        sink.Dispose();
        sink.Dispose();
        Assert.NotNull(sink.Failure);
    }

    [Fact]
    public void EveryLineIsOnDiskWhenPublishReturns()
    {
        var path = Path.Combine(_dir, "events.jsonl");
        using var sink = new JsonLinesEventSink(path);
        sink.Publish(Decision(1));
        sink.Publish(Decision(2));
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        Assert.Equal(2, reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Null(sink.Failure);
    }
}
