using Kiosk.Service.Tests.FleetConsole;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>
/// A real kiosk process (<c>kiosk run --simulate</c>) killed with SIGKILL: the broker publishes its Will; restarted on
/// the same data directory, its event seq continues; stopped with SIGTERM, it says offline.
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed class FleetWillTests
{
    private const string Status = "kiosk/v1/site-a/kiosk-will/status";
    private const string Alerts = "kiosk/v1/site-a/kiosk-will/event/alert";

    [Fact]
    public async Task KillingTheKioskProcessPublishesTheRetainedWillLostAndSeqContinuesAfterRestart()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, Status, Alerts);

        // Without color data the kiosk raises color_data_stale at start: an alert event with the next seq.
        await using (var first = SimulatedKioskProcess.Start(broker.Port, "kiosk-will", homeAssistant: false, dataDirectory: data.Path))
        {
            await manager.WaitForAsync(m => m.Topic == Status && State(m) is "online" or "degraded", "the first process connected", seconds: 60);
            await manager.WaitForAsync(m => m.Topic == Alerts, "the first process's alert", seconds: 60);
            await first.KillAsync(); // SIGKILL: no DISCONNECT, no offline
        }

        var lost = await manager.WaitForAsync(m => m.Topic == Status && State(m) == "lost", "the Will");
        // The Will says what the kiosk knew at connect: its version and this process's bootId, nothing about visitors.
        Assert.Equal(["state", "version", "bootId", "connectedAt"], lost.Json.EnumerateObject().Select(p => p.Name));
        Assert.Contains(lost.Json.GetProperty("bootId").GetGuid(), manager.Messages.Where(m => m.Topic == Status && State(m) != "lost" && m.Json.TryGetProperty("bootId", out _)).Select(m => m.Json.GetProperty("bootId").GetGuid()));
        Assert.DoesNotContain(manager.Messages, m => m.Topic == Status && State(m) == "offline");

        // Retained: whoever looks later sees "lost".
        await using (var newcomer = await TestSubscriber.StartAsync(broker.Port, Status))
        {
            var retained = await newcomer.WaitForAsync(_ => true, "the retained Will");
            Assert.True(retained.Retain);
            Assert.Equal("lost", State(retained));
        }

        // At least once: the first process may have been killed between the PUBACK and deleting the row, so its events
        // can come again; dedupe by eventId as a consumer does.
        var before = AlertEvents(manager);
        var firstBoot = manager.Messages.Where(m => m.Topic == Status && m.Json.TryGetProperty("bootId", out _)).Select(m => m.Json.GetProperty("bootId").GetGuid()).ToHashSet();
        await using (var second = SimulatedKioskProcess.Start(broker.Port, "kiosk-will", homeAssistant: false, dataDirectory: data.Path))
        {
            await manager.WaitForAsync(
                m => m.Topic == Status && m.Json.TryGetProperty("bootId", out var boot) && !firstBoot.Contains(boot.GetGuid()),
                "the second process's status, with a new bootId",
                seconds: 60);
            await manager.WaitUntilAsync(() => AlertEvents(manager).Keys.Except(before.Keys).Any(), "the second process's alert", seconds: 60);
            var after = AlertEvents(manager).Where(a => !before.ContainsKey(a.Key)).Select(a => a.Value).ToList();
            Assert.True(after.Min() > before.Values.Max(), $"seq went from {before.Values.Max()} to {after.Min()}");

            // A clean stop (SIGTERM, as systemd stops it) says offline, not lost.
            second.Terminate();
            Assert.Equal(0, await second.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        }

        await manager.WaitForAsync(m => m.Topic == Status && State(m) == "offline", "offline after the clean stop");
    }

    private static string? State(ReceivedMessage m) => m.Json.GetProperty("state").GetString();

    /// <summary>Each alert event received so far, by eventId, with its seq.</summary>
    private static Dictionary<Guid, long> AlertEvents(TestSubscriber manager) =>
        manager.Messages.Where(m => m.Topic == Alerts)
            .Select(m => (Id: m.Json.GetProperty("eventId").GetGuid(), Seq: m.Json.GetProperty("seq").GetInt64()))
            .DistinctBy(a => a.Id)
            .ToDictionary(a => a.Id, a => a.Seq);
}
