using System.Text.Json;
using Kiosk.Core.Checkpoint;
using Kiosk.Service.Tests.Fleet;
using Kiosk.Service.Tests.FleetConsole;
using Kiosk.Service.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using ToolFactAttribute = Kiosk.Service.Tests.Deploy.ToolFactAttribute;

namespace Kiosk.Service.Tests.Cluster;

/// <summary>
/// The fleet link on a real 3-node NATS cluster (mqtt.md: JetStream, 3 replicas, its MQTT 3.1.1 listener): decisions,
/// alerts, status, commands on the 3.1.1 path, remote configuration, the Will, <c>kiosk fleet status</c>, and a
/// kiosk moving to another node when the one it uses dies.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class ClusterFleetTests(NatsClusterFixture fixture) : IClassFixture<NatsClusterFixture>
{
    private NatsCluster Cluster => fixture.Cluster;

    [ToolFact("nats-server")]
    public async Task DecisionsAlertsStatusCommandsAndRemoteConfigurationGoThroughTheClusterOnMqtt311()
    {
        const string Kiosk = "kiosk/v1/site-a/kiosk-01";
        using var data = new TempDirectory();
        using var host = new RemoteConfigurationTests.Host(data.Path);

        // The manager reads from the third node; the kiosk writes to the first of its list.
        await using var manager = await TestSubscriber.StartAsync(Cluster.MqttPorts[2], "manager-c1", persistent: false, MqttProtocolVersion.V311, $"{Kiosk}/#");
        await using var kiosk = FleetTestKiosk.Create(0, data.Path, o => OnCluster(o), remoteConfiguration: host.Remote);
        await kiosk.StartAsync();

        var online = await manager.WaitForAsync(m => m.Topic == $"{Kiosk}/status" && State(m) == "online", "the status online");
        Assert.Equal(42UL, online.Json.GetProperty("colorData").GetProperty("seq").GetUInt64());

        kiosk.Recorder.Report(Decisions.Pass(DateTimeOffset.UtcNow));
        kiosk.Alerts.Raise(AlertKinds.ThermometerFault, "5 failed reads");
        var decision = await manager.WaitForAsync(m => m.Topic == $"{Kiosk}/event/decision", "the decision event");
        Assert.Equal("pass", decision.Json.GetProperty("outcome").GetString());
        var alert = await manager.WaitForAsync(m => m.Topic == $"{Kiosk}/event/alert", "the alert event");
        Assert.Equal(AlertKinds.ThermometerFault, alert.Json.GetProperty("kind").GetString());
        await manager.WaitForAsync(m => m.Topic == $"{Kiosk}/status" && State(m) == "degraded", "the status degraded");

        // A command on the 3.1.1 path: the answer goes to cmd/{name}/result with the requestId.
        await manager.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"{Kiosk}/cmd/ping").WithPayload("""{"requestId":"nats-1"}""").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var pong = await manager.WaitForAsync(m => m.Topic == $"{Kiosk}/cmd/ping/result", "the 3.1.1 answer");
        Assert.Equal("nats-1", pong.Json.GetProperty("requestId").GetString());
        Assert.True(pong.Json.GetProperty("ok").GetBoolean());

        // Remote configuration: retained desired document in, reported document out.
        await manager.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"{Kiosk}/config/desired").WithPayload("""{"version":2,"Checkpoint":{"FeverThresholdC":37.5}}""")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build());
        var applied = await manager.WaitForAsync(m => m.Topic == $"{Kiosk}/config/reported" && m.Json.GetProperty("version").ValueKind == JsonValueKind.Number, "version 2 reported");
        Assert.Equal("applied", applied.Json.GetProperty("status").GetString());
        Assert.Equal(37.5, host.Checkpoint.CurrentValue.FeverThresholdC);

        // Retained across the cluster: a newcomer on the second node sees the status and the reported configuration.
        await using var newcomer = await TestSubscriber.StartAsync(Cluster.MqttPorts[1], "newcomer-c1", persistent: false, MqttProtocolVersion.V311, $"{Kiosk}/status", $"{Kiosk}/config/reported");
        var retained = await newcomer.WaitForAsync(m => m.Topic == $"{Kiosk}/status", "the retained status on another node");
        Assert.True(retained.Retain);
        Assert.Equal("degraded", State(retained));
        await newcomer.WaitForAsync(m => m.Topic == $"{Kiosk}/config/reported" && m.Retain, "the retained reported configuration on another node");

        // The fleet console reads the same cluster through its list of brokers, the first of them dead.
        var status = await CliRunner.RunAsync("fleet", "status", "--mqtt", $"127.0.0.1:{MosquittoBroker.FreePort()},127.0.0.1:{Cluster.MqttPorts[1]}", "--protocol", "3.1.1", "--json");
        Assert.True(status.Code is 0 or 1, status.Out + status.Error);
        var kiosks = JsonDocument.Parse(status.Out).RootElement.GetProperty("kiosks").EnumerateArray().ToDictionary(k => k.GetProperty("kioskId").GetString()!);
        Assert.Equal("degraded", kiosks["kiosk-01"].GetProperty("state").GetString());
    }

    [ToolFact("nats-server")]
    public async Task KillingTheNodeAKioskUsesMovesItToAnotherWithinTenSecondsAndLosesNoDecisionEvent()
    {
        const string Kiosk = "kiosk/v1/site-a/kiosk-move";
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(0, data.Path, o => OnCluster(o), kioskId: "kiosk-move");
        await kiosk.StartAsync();

        // Node 0 comes first in the kiosk's list, but a node still electing its stream leaders may refuse the session
        // and the kiosk moves on: the node it uses is the one to kill; the manager reads from another.
        var killed = Cluster.IndexOfMqttPort(kiosk.Connection.Broker!.Port);
        var survivor = (killed + 1) % 3;
        await using var manager = await TestSubscriber.StartAsync(Cluster.MqttPorts[(killed + 2) % 3], "manager-c2", persistent: false, MqttProtocolVersion.V311, $"{Kiosk}/event/decision", $"{Kiosk}/status");
        await manager.WaitForAsync(m => m.Topic == $"{Kiosk}/status" && State(m) == "online", "the status online");

        var stop = new CancellationTokenSource();
        var reported = 0;
        var producer = Task.Run(async () =>
        {
            var at = DateTimeOffset.UtcNow;
            while (!stop.IsCancellationRequested)
            {
                kiosk.Recorder.Report(Decisions.Pass(at.AddMilliseconds(reported++)));

                // Paces the producer (decisions keep coming across the failover), not a wait for an outcome.
                await Task.Delay(20);
            }
        });
        try
        {
            await manager.WaitUntilAsync(() => manager.On($"{Kiosk}/event/decision").Count() >= 20, "decisions before the kill");
            var sessions = kiosk.Connection.SessionCount;
            await Cluster.KillAsync(killed);

            // mqtt.md: the link moves to the next broker of its list, with the back-off, within 10 s.
            await Poll.UntilAsync(
                () => kiosk.Connection.SessionCount > sessions && kiosk.Connection.IsConnected,
                "the kiosk connected to another node",
                TimeSpan.FromSeconds(10),
                detail: () => $"sessions {kiosk.Connection.SessionCount}, last error {kiosk.Connection.LastError}");
            Assert.NotEqual(Cluster.MqttPorts[killed], kiosk.Connection.Broker!.Port);
            var before = reported;
            await Poll.UntilAsync(
                () => manager.On($"{Kiosk}/event/decision").Count() >= before + 20,
                "decisions after the failover",
                TimeSpan.FromSeconds(60),
                detail: () => $"received {manager.On($"{Kiosk}/event/decision").Count()} of {reported}, outbox {kiosk.Outbox.Depth}, kiosk connected {kiosk.Connection.IsConnected} to {kiosk.Connection.Broker}, manager connected {manager.Client.IsConnected}");
        }
        finally
        {
            await stop.CancelAsync();
            await producer;
        }

        try
        {
            // No decision event lost: every seq the kiosk gave arrived (at least once; duplicates dropped by eventId).
            await kiosk.DrainedAsync();
            var seqs = manager.On($"{Kiosk}/event/decision").Select(m => m.Json).DistinctBy(j => j.GetProperty("eventId").GetString()).Select(j => j.GetProperty("seq").GetInt64()).ToHashSet();
            var recorded = kiosk.Recorded.Events.OfType<Kiosk.Core.Events.DecisionEvent>().Select(e => e.Seq).ToList();
            Assert.Equal(reported, recorded.Count);
            Assert.All(recorded, seq => Assert.Contains(seq, seqs));

            // The retained status is intact (online, from the node it moved to) on the surviving nodes.
            await using var newcomer = await TestSubscriber.StartAsync(Cluster.MqttPorts[survivor], "newcomer-c2", persistent: false, MqttProtocolVersion.V311, $"{Kiosk}/status");
            var status = await newcomer.WaitForAsync(m => m.Topic == $"{Kiosk}/status", "the retained status after the failover");
            Assert.Equal("online", State(status));
        }
        finally
        {
            if (!Cluster.IsRunning(killed))
            {
                await Cluster.RestartAsync(killed);
            }
        }
    }

    [ToolFact("nats-server")]
    public async Task AKioskProcessKilledOnTheClusterLeavesTheRetainedWillLost()
    {
        const string Status = "kiosk/v1/site-a/kiosk-will-c/status";
        await using var manager = await TestSubscriber.StartAsync(Cluster.MqttPorts[2], "manager-c3", persistent: false, MqttProtocolVersion.V311, Status);
        await using (var process = SimulatedKioskProcess.Start(Cluster.MqttPorts[1], "kiosk-will-c", homeAssistant: false, protocol: "3.1.1"))
        {
            await manager.WaitForAsync(m => m.Topic == Status && State(m) is "online" or "degraded", "the process connected", seconds: 90);
            await process.KillAsync();
        }

        var lost = await manager.WaitForAsync(m => m.Topic == Status && State(m) == "lost", "the Will", seconds: 60);
        // The Will carries what the kiosk knew at connect (version, bootId), nothing about visitors.
        using (var will = System.Text.Json.JsonDocument.Parse(lost.Payload))
        {
            Assert.Equal(["bootId", "connectedAt", "state", "version"], will.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }

        await using var newcomer = await TestSubscriber.StartAsync(Cluster.MqttPorts[0], "newcomer-c3", persistent: false, MqttProtocolVersion.V311, Status);
        var retained = await newcomer.WaitForAsync(_ => true, "the retained Will on another node");
        Assert.True(retained.Retain);
        Assert.Equal("lost", State(retained));
    }

    [ToolFact("nats-server")]
    public async Task AnMqtt5ConnectToTheNatsListenerIsRefusedWithAReasonAndTheKioskKeepsTrying()
    {
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(0, data.Path, o => OnCluster(o, protocol: "5"), kioskId: "kiosk-v5");
        await kiosk.Start();
        await Poll.UntilAsync(() => kiosk.Connection.FailedAttempts >= 3, "three refused attempts", detail: () => kiosk.Connection.LastError ?? "-");
        Assert.False(kiosk.Connection.IsConnected);
        Assert.NotNull(kiosk.Connection.LastError);
    }

    private void OnCluster(Kiosk.Mqtt.FleetOptions options, string protocol = "3.1.1")
    {
        options.Host = string.Empty;
        options.Port = 0;
        options.Hosts = Cluster.Hosts;
        options.Protocol = protocol;
    }

    private static string? State(ReceivedMessage m) => m.Json.GetProperty("state").GetString();
}
