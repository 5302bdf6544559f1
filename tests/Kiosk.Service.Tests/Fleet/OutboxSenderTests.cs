
namespace Kiosk.Service.Tests.Fleet;

/// <summary>The outbox sender against a real Mosquitto: what a subscriber of its events does cannot change delivery.</summary>
[Collection(MosquittoCollection.Name)]
public sealed class OutboxSenderTests
{
    [Fact]
    public async Task AFailingAcknowledgedSubscriberDoesNotResendRowsAlreadyAcknowledged()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/kiosk-01/event/decision");
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path);
        var calls = 0;
        kiosk.Sender.Acknowledged += _ =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("a diagnostics subscriber failed");
        };
        await kiosk.StartAsync();

        const int Count = 50;
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < Count; i++)
        {
            kiosk.Recorder.Report(Decisions.Pass(at.AddMilliseconds(i)));
        }

        await kiosk.DrainedAsync();
        await manager.WaitUntilAsync(() => manager.Messages.Count >= Count, "every decision");
        await Poll.UntilAsync(() => Volatile.Read(ref calls) >= Count, "the subscriber called for every row");

        // A wrongly rewound sender sends rows again before anything newer: one more event, reported after every row was
        // acknowledged and every subscriber call made, is the barrier. Once it has arrived, each event went out once.
        kiosk.Recorder.Report(Decisions.Pass(at.AddMilliseconds(Count)));
        var marker = kiosk.Recorded.Events.Last().EventId;
        await manager.WaitForAsync(m => m.Json.GetProperty("eventId").GetGuid() == marker, "the event reported last");
        await kiosk.DrainedAsync();
        await Poll.UntilAsync(() => Volatile.Read(ref calls) >= Count + 1, "the subscriber called for the last event");
        var ids = manager.Messages.Select(m => m.Json.GetProperty("eventId").GetGuid()).ToList();
        Assert.Equal(Count + 1, ids.Count);
        Assert.Equal(Count + 1, ids.Distinct().Count());
        Assert.Equal(Count + 1, kiosk.Sender.Sent);
        Assert.Equal(Count + 1, Volatile.Read(ref calls));
    }
}
