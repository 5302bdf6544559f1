using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Service.Tests.FleetConsole;
using Kiosk.Service.Tests.Infrastructure;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>
/// A data directory has one owner (two kiosks on one would hand out the same event seq numbers), and one kiosk id one
/// kiosk: a second client connecting with the id takes the broker session, and the kiosk says so (duplicate_kiosk_id).
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed class DataDirectoryOwnerTests
{
    [Fact]
    public void ASecondLockOnADataDirectoryIsOneLineNamingTheHolder()
    {
        using var data = new TempDirectory();
        using (DataDirectoryLock.Acquire(data.Path))
        {
            var refused = Assert.Throws<KioskInputException>(() => DataDirectoryLock.Acquire(data.Path));
            Assert.Equal($"data directory {Path.GetFullPath(data.Path)} is in use by another kiosk process (pid {Environment.ProcessId})", refused.Message);
        }

        // Released on dispose (and by the OS when the process dies): the next owner takes it.
        DataDirectoryLock.Acquire(data.Path).Dispose();
    }

    [Fact]
    public async Task ASecondKioskOnTheSameDataDirectoryStopsWithOneLineAndTheFirstGoesOn()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        const string status = "kiosk/v1/site-a/kiosk-owner/status";
        await using var manager = await TestSubscriber.StartAsync(broker.Port, status);
        await using var first = SimulatedKioskProcess.Start(broker.Port, "kiosk-owner", homeAssistant: false, dataDirectory: data.Path);
        await manager.WaitForAsync(m => m.Topic == status && m.Json.GetProperty("state").GetString() is "online" or "degraded", "the first kiosk online", seconds: 60);

        await using var second = SimulatedKioskProcess.Start(broker.Port, "kiosk-owner", homeAssistant: false, dataDirectory: data.Path);
        Assert.Equal(2, await second.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        var errors = second.Output.Where(l => l.Length > 0).ToList();
        Assert.Equal([$"error: data directory {Path.GetFullPath(data.Path)} is in use by another kiosk process (pid {first.Pid})"], errors);
        Assert.False(first.HasExited);
    }

    /// <summary>
    /// On a broker that says why it ends a session (MQTT 5 reason 0x8E, Session taken over: MQTTnet's server, the
    /// embedded broker). Mosquitto 2.0.11 closes the old connection without a reason code: there the kiosks find each
    /// other on their own status topic (<see cref="DuplicateKioskIdTests"/>).
    /// </summary>
    [Fact]
    public async Task TwoKiosksWithOneIdRaiseDuplicateKioskId()
    {
        await using var broker = new Kiosk.Mqtt.EmbeddedBroker(0, Microsoft.Extensions.Logging.Abstractions.NullLogger<Kiosk.Mqtt.EmbeddedBroker>.Instance);
        await broker.StartAsync(CancellationToken.None);
        const string status = "kiosk/v1/site-a/kiosk-twin/status";
        const string alerts = "kiosk/v1/site-a/kiosk-twin/event/alert";
        await using var manager = await TestSubscriber.StartAsync(broker.Port, status, alerts);
        await using var first = SimulatedKioskProcess.Start(broker.Port, "kiosk-twin", homeAssistant: false);
        await manager.WaitForAsync(m => m.Topic == status && m.Json.GetProperty("state").GetString() is "online" or "degraded", "the first kiosk online", seconds: 60);

        await using var second = SimulatedKioskProcess.Start(broker.Port, "kiosk-twin", homeAssistant: false);
        var alert = await manager.WaitForAsync(m => m.Topic == alerts && m.Json.GetProperty("kind").GetString() == AlertKinds.DuplicateKioskId, "duplicate_kiosk_id", seconds: 60);
        Assert.Contains("kiosk-twin", alert.Json.GetProperty("detail").GetString());
        await Poll.UntilAsync(
            () => first.Output.Concat(second.Output).Any(l => l.Contains("another client connected as kiosk kiosk-twin", StringComparison.Ordinal)),
            "the local warning",
            TimeSpan.FromSeconds(30));
    }
}
