using Kiosk.Core.Checkpoint;
using Kiosk.Service.Tests.FleetConsole;
using Kiosk.Service.Tests.Infrastructure;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>
/// Two kiosks with one kiosk id behind a real Mosquitto 2.0 (which closes the older connection without MQTT 5's
/// "Session taken over"): the kiosks read their own retained status topic and find the second bootId alive. A kiosk
/// restarted over its own retained Will finds nothing.
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed class DuplicateKioskIdTests
{
    [Theory]
    [InlineData("3.1.1")]
    [InlineData("5")]
    public async Task TwoKiosksWithOneIdBehindMosquittoRaiseDuplicateKioskIdOnTheFleet(string protocol)
    {
        await using var broker = await MosquittoBroker.StartAsync();
        const string alerts = "kiosk/v1/site-a/kiosk-twin/event/alert";
        await using var manager = await TestSubscriber.StartAsync(broker.Port, alerts);
        using var firstData = new TempDirectory();
        using var secondData = new TempDirectory();
        await using var first = FleetTestKiosk.Create(broker.Port, firstData.Path, o => o.Protocol = protocol, kioskId: "kiosk-twin");
        await first.StartAsync();
        await using var second = FleetTestKiosk.Create(broker.Port, secondData.Path, o => o.Protocol = protocol, kioskId: "kiosk-twin");
        await second.Start();

        // Bounded: a few rounds of the two taking the client id from each other (reconnect back-off 0.1-1 s here).
        var alert = await manager.WaitForAsync(m => m.Topic == alerts && m.Json.GetProperty("kind").GetString() == AlertKinds.DuplicateKioskId, "duplicate_kiosk_id on the fleet", seconds: 60);
        Assert.True(alert.Json.GetProperty("active").GetBoolean());
        var detail = alert.Json.GetProperty("detail").GetString()!;
        Assert.Contains("kiosk-twin", detail, StringComparison.Ordinal);
        // The detail names kiosk and processes (bootIds), no person.
        Assert.Contains(new[] { first, second }, k => detail.Contains($"boot {k.Identity.BootId}", StringComparison.Ordinal));
        Assert.Contains(new[] { first, second }, k => k.Alerts.Active.Contains(AlertKinds.DuplicateKioskId));
    }

    [Fact]
    public async Task AKioskRestartedOverItsOwnRetainedWillRaisesNoDuplicateKioskId()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        const string status = "kiosk/v1/site-a/kiosk-again/status";
        const string alerts = "kiosk/v1/site-a/kiosk-again/event/alert";
        const string telemetry = "kiosk/v1/site-a/kiosk-again/telemetry";
        await using var manager = await TestSubscriber.StartAsync(broker.Port, status, alerts, telemetry);
        Guid firstBoot;
        await using (var first = SimulatedKioskProcess.Start(broker.Port, "kiosk-again", homeAssistant: false, dataDirectory: data.Path))
        {
            var online = await manager.WaitForAsync(m => m.Topic == status && m.Json.GetProperty("state").GetString() is "online" or "degraded", "the first process online", seconds: 60);
            firstBoot = online.Json.GetProperty("bootId").GetGuid();
            await first.KillAsync(); // SIGKILL: the broker publishes the Will
        }

        await manager.WaitForAsync(m => m.Topic == status && m.Json.GetProperty("state").GetString() == "lost", "the first process's Will", seconds: 30);
        await using var second = SimulatedKioskProcess.Start(broker.Port, "kiosk-again", homeAssistant: false, dataDirectory: data.Path);
        var secondStatus = await manager.WaitForAsync(
            m => m.Topic == status && m.Json.TryGetProperty("bootId", out var boot) && boot.GetGuid() != firstBoot && m.Json.GetProperty("state").GetString() is "online" or "degraded",
            "the second process online",
            seconds: 60);
        var secondBoot = secondStatus.Json.GetProperty("bootId").GetGuid();

        // The second process has read the first one's Will (its subscription's retained message) and run on for ten
        // telemetry intervals (1 s each); a reconnect brings the same Will or its own status again.
        var telemetryBefore = manager.On(telemetry).Count();
        await manager.WaitUntilAsync(() => manager.On(telemetry).Count() >= telemetryBefore + 10, "ten telemetry messages of the second process", seconds: 60);
        Assert.DoesNotContain(manager.On(alerts), m => m.Json.GetProperty("kind").GetString() == AlertKinds.DuplicateKioskId);
        Assert.DoesNotContain(manager.On(status), m => m.Json.TryGetProperty("problems", out var problems) && problems.EnumerateArray().Any(p => p.GetString() == AlertKinds.DuplicateKioskId));
        Assert.DoesNotContain(second.Output, l => l.Contains("another kiosk process uses kiosk id", StringComparison.Ordinal));
        Assert.Contains(manager.On(status), m => m.Json.TryGetProperty("bootId", out var boot) && boot.GetGuid() == secondBoot);
    }
}
