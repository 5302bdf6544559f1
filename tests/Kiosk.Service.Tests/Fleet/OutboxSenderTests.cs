using Kiosk.Service.Tests.Infrastructure;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>The outbox sender against a real Mosquitto: what a subscriber of its events does cannot change delivery.</summary>
[Collection(MosquittoCollection.Name)]
public sealed class OutboxSenderTests
{
    [Fact]
    public async Task AFailingAcknowledgedSubscriber_DoesNotResendRowsAlreadyAcknowledged()
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

        // Give a wrongly rewound sender the time to send a row again, then look: each event went out once.
        var quiet = await manager.QuietAsync(TimeSpan.FromMilliseconds(500));
        Assert.True(quiet);
        var ids = manager.Messages.Select(m => m.Json.GetProperty("eventId").GetGuid()).ToList();
        Assert.Equal(Count, ids.Count);
        Assert.Equal(Count, ids.Distinct().Count());
        Assert.Equal(Count, kiosk.Sender.Sent);
        Assert.Equal(Count, Volatile.Read(ref calls));
    }
}
