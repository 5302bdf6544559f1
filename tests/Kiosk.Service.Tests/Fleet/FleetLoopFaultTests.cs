using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Kiosk.Service.Hosting;
using MQTTnet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>A fleet loop that throws is seen (log, <c>fleet_fault</c>, degraded status) and runs again.</summary>
[Collection(MosquittoCollection.Name)]
public sealed class FleetLoopFaultTests
{
    private const string Kiosk = "kiosk/v1/site-a/kiosk-01";

    [Fact]
    public async Task AThrowingDesiredConfigurationLoopIsLoggedAlertedAndRestarted()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        using var host = new RemoteConfigurationTests.Host(data.Path);

        // A validator with a bug: it throws on the first document it sees instead of returning failures.
        var calls = 0;
        var flaky = new RuntimeSettingRegistration(
            "Checkpoint",
            typeof(CheckpointOptions),
            section => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("validator bug") : [],
            () => new CheckpointOptions());
        var remote = new RemoteConfiguration(host.Source, host.Root, [flaky], host.Provider.GetRequiredService<IOptions<KioskOptions>>(), host.Provider.GetRequiredService<IOptions<FleetOptions>>(), TimeProvider.System, NullLogger<RemoteConfiguration>.Instance);
        using var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        await using var manager = await TestSubscriber.StartAsync(broker.Port, $"{Kiosk}/config/reported", $"{Kiosk}/event/alert", $"{Kiosk}/status");
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, remoteConfiguration: remote, loggers: loggers);
        await kiosk.StartAsync();

        await manager.PublishAsync(Desired("""{"version":2,"Checkpoint":{"FeverThresholdC":37.5}}"""));

        var raised = await manager.WaitForAsync(m => m.Topic.EndsWith("/event/alert", StringComparison.Ordinal) && Kind(m) == AlertKinds.FleetFault && m.Json.GetProperty("active").GetBoolean(), "fleet_fault raised", 15);
        Assert.Contains("desired", raised.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await manager.WaitForAsync(m => m.Topic.EndsWith("/status", StringComparison.Ordinal) && m.Json.GetProperty("state").GetString() == "degraded", "the status degraded", 15);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.EventId == 784);

        // The loop runs again: the next document is applied and reported.
        await manager.PublishAsync(Desired("""{"version":3,"Checkpoint":{"FeverThresholdC":37.6}}"""));
        await manager.WaitForAsync(m => m.Topic.EndsWith("/config/reported", StringComparison.Ordinal) && m.Json.GetProperty("status").GetString() == "applied" && m.Json.GetProperty("version").GetInt64() == 3, "version 3 applied", 15);

        // After a stable period (Fleet:ReconnectMax, 1 s in the test kiosk) the alert clears and the kiosk is online again.
        await manager.WaitForAsync(m => m.Topic.EndsWith("/event/alert", StringComparison.Ordinal) && Kind(m) == AlertKinds.FleetFault && !m.Json.GetProperty("active").GetBoolean(), "fleet_fault cleared", 15);
        await manager.WaitForAsync(m => m.Topic.EndsWith("/status", StringComparison.Ordinal) && m.Json.GetProperty("state").GetString() == "online" && manager.Messages.Any(x => x.Topic.EndsWith("/status", StringComparison.Ordinal) && x.Json.GetProperty("state").GetString() == "degraded"), "online again", 15);
    }

    private static string? Kind(ReceivedMessage m) => m.Json.GetProperty("kind").GetString();

    private static MqttApplicationMessage Desired(string json) =>
        new MqttApplicationMessageBuilder().WithTopic($"{Kiosk}/config/desired").WithPayload(json).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build();
}
