using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Fleet;
using Kiosk.Service.Tests.Temperature;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>The durable outbox on a real SQLite file.</summary>
public sealed class SqliteOutboxTests
{
    private static readonly DateTimeOffset At = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static AlertEvent Alert(long seq) => new() { EventId = Guid.CreateVersion7(At.AddSeconds(seq)), Seq = seq, At = At.AddSeconds(seq), Kind = "assist_requested", Detail = "button", Active = true };

    private static DecisionEvent Decision(long seq) => new()
    {
        EventId = Guid.CreateVersion7(At.AddSeconds(seq)), Seq = seq, At = At.AddSeconds(seq), Outcome = "pass", Reason = "ok",
        TemperatureC = 36.6, Issuer = "CN-HL", CodeRef = "0123456789abcdef", Via = "code", LatencyMs = 180,
    };

    [Fact]
    public void EventsAreStoredInOrderWithTheirTopicAndExactJson()
    {
        using var data = new TempDirectory();
        using var outbox = new SqliteOutbox(Path.Combine(data.Path, "o.db"), 100, () => null, NullLogger<SqliteOutbox>.Instance);
        var decision = Decision(1);
        var alert = Alert(2);
        outbox.Publish(decision);
        outbox.Publish(alert);

        var entries = outbox.ReadAfter(0, 10);
        Assert.Equal(2, entries.Count);
        Assert.Equal((OutboxTopic.Decision, decision.EventId), (entries[0].Topic, entries[0].EventId));
        Assert.Equal((OutboxTopic.Alert, alert.EventId), (entries[1].Topic, entries[1].EventId));
        Assert.Equal(EventJson.Serialize(decision), System.Text.Encoding.UTF8.GetString(entries[0].Payload));
        Assert.Single(outbox.ReadAfter(entries[0].Id, 10));
        Assert.Equal(2, outbox.Depth);
    }

    [Fact]
    public void StoredEventsSurviveReopeningAndRemovedOnesDoNotComeBack()
    {
        using var data = new TempDirectory();
        var path = Path.Combine(data.Path, "o.db");
        using (var outbox = new SqliteOutbox(path, 100, () => null, NullLogger<SqliteOutbox>.Instance))
        {
            for (var i = 1; i <= 10; i++)
            {
                outbox.Publish(Decision(i));
            }

            var entries = outbox.ReadAfter(0, 3);
            outbox.Remove(entries.Select(e => e.Id).ToArray());
        }

        using var reopened = new SqliteOutbox(path, 100, () => null, NullLogger<SqliteOutbox>.Instance);
        Assert.Equal(7, reopened.Depth);
        var seqs = reopened.ReadAfter(0, 100).Select(e => System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.GetProperty("seq").GetInt64());
        Assert.Equal([4L, 5, 6, 7, 8, 9, 10], seqs);
    }

    [Fact]
    public void WhenFullTheOldestGoTheCountIsKeptAcrossRestartsAndOutboxOverflowIsRaisedThenCleared()
    {
        using var data = new TempDirectory();
        var path = Path.Combine(data.Path, "o.db");
        var alerts = new RecordingAlerts();
        using (var outbox = new SqliteOutbox(path, 10, () => alerts, NullLogger<SqliteOutbox>.Instance))
        {
            for (var i = 1; i <= 25; i++)
            {
                outbox.Publish(Decision(i));
            }

            Assert.Equal(10, outbox.Depth);
            Assert.Equal(15, outbox.DroppedTotal);
            var kept = outbox.ReadAfter(0, 100).Select(e => System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.GetProperty("seq").GetInt64());
            Assert.Equal(Enumerable.Range(16, 10).Select(i => (long)i), kept);
            Assert.Contains(AlertKinds.OutboxOverflow, alerts.Active);
            Assert.Contains(alerts.Calls, c => c is ("raise", AlertKinds.OutboxOverflow, _));
        }

        using var reopened = new SqliteOutbox(path, 10, () => alerts, NullLogger<SqliteOutbox>.Instance);
        Assert.Equal(15, reopened.DroppedTotal);
        reopened.Publish(Decision(26));
        Assert.Equal(16, reopened.DroppedTotal);

        // Draining the outbox clears the alert (after an overflow seen by this instance).
        reopened.Remove(reopened.ReadAfter(0, 100).Select(e => e.Id).ToArray());
        Assert.Equal(0, reopened.Depth);
        Assert.DoesNotContain(AlertKinds.OutboxOverflow, alerts.Active);
    }

    [Fact]
    public void OverflowThroughTheAlertCenterPutsTheOverflowAlertItselfIntoTheOutbox()
    {
        using var data = new TempDirectory();
        AlertCenter? center = null;
        using var outbox = new SqliteOutbox(Path.Combine(data.Path, "o.db"), 5, () => center, NullLogger<SqliteOutbox>.Instance);
        center = new AlertCenter(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(At), new InMemoryEventSequence(), [outbox], NullLogger<AlertCenter>.Instance);
        for (var i = 1; i <= 8; i++)
        {
            outbox.Publish(Decision(i));
        }

        Assert.Contains(AlertKinds.OutboxOverflow, center.Active);
        var alert = Assert.Single(outbox.ReadAfter(0, 100), e => e.Topic == OutboxTopic.Alert);
        Assert.Contains("outbox_overflow", System.Text.Encoding.UTF8.GetString(alert.Payload), StringComparison.Ordinal);
        Assert.Equal(5, outbox.Depth);
    }

    [Fact]
    public async Task PublishWakesTheSender()
    {
        using var data = new TempDirectory();
        using var outbox = new SqliteOutbox(Path.Combine(data.Path, "o.db"), 100, () => null, NullLogger<SqliteOutbox>.Instance);
        var wait = outbox.WaitForWorkAsync(CancellationToken.None).AsTask();
        Assert.False(wait.IsCompleted);
        outbox.Publish(Alert(1));
        Assert.True(await wait);
    }

    [Fact]
    public void RemovingIdsThatWereDroppedMeanwhileIsHarmless()
    {
        using var data = new TempDirectory();
        using var outbox = new SqliteOutbox(Path.Combine(data.Path, "o.db"), 3, () => null, NullLogger<SqliteOutbox>.Instance);
        outbox.Publish(Decision(1));
        var first = outbox.ReadAfter(0, 1)[0].Id;
        for (var i = 2; i <= 6; i++)
        {
            outbox.Publish(Decision(i));
        }

        outbox.Remove([first]);
        Assert.Equal(3, outbox.Depth);
    }
}
