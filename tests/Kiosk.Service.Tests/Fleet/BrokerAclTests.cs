using System.Buffers;
using System.Collections.Concurrent;
using HealthCode.Formats;
using Kiosk.Colors;
using Kiosk.Fleet;
using Kiosk.Service.Tests.Colors;
using Kiosk.Service.Tests.Deploy;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>
/// The shipped broker access control (<c>deploy/mosquitto/acl</c>, users in a password file) on a real Mosquitto:
/// only the authority feeds the kiosks, only fleet managers command them, a kiosk writes only its own topics.
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed class BrokerAclTests
{
    private const string Site = "kiosk/v1/site-a";

    [ToolFact("mosquitto", "mosquitto_passwd")]
    public async Task OnlyTheAuthorityCanPublishAFeedMessageTheKioskApplies()
    {
        await using var broker = await AclBroker.StartAsync();
        using var world = new FeedWorld();
        var client = new MqttFeedClient(world.Processor, Options.Create(new FeedLinkOptions
        {
            Host = broker.Broker.Host,
            Port = broker.Broker.Port,
            ClientId = "kiosk-01-colors",
            Username = "kiosk-01",
            Password = AclBroker.PasswordOf("kiosk-01"),
            ReconnectMin = TimeSpan.FromMilliseconds(100),
            ReconnectMax = TimeSpan.FromSeconds(1),
        }), Options.Create(new ColorFeedOptions()), TimeProvider.System);
        await client.StartAsync(CancellationToken.None);
        try
        {
            using var authority = await broker.ConnectAsync("feed-authority");
            Assert.True((await Publish(authority, "hc/v1/colors/snapshot", world.Sign(world.Snapshot(1, FeedWorld.T0, FeedWorld.Record(1, HealthColor.Green, 10))), retain: true)).IsSuccess);
            await Poll.UntilAsync(() => world.Store.State.Seq == 1UL, "the authority's snapshot applied");

            // Correctly signed messages (a replay, a leaked file) from anyone else: refused by the broker, never seen by the kiosk.
            foreach (var user in new[] { "kiosk-02", "fleet-manager", "fleet-monitor", "home-assistant" })
            {
                var snapshot = await broker.PublishAsync(user, "hc/v1/colors/snapshot", world.Sign(world.Snapshot(2, FeedWorld.T0.AddMinutes(1), FeedWorld.Record(1, HealthColor.Red, 20))), retain: true);
                Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, snapshot.ReasonCode);
                var batch = await broker.PublishAsync(user, "hc/v1/colors/batch", world.Sign(world.Batch(2, FeedWorld.T0.AddMinutes(1), FeedWorld.Record(1, HealthColor.Red, 20))));
                Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, batch.ReasonCode);
                var trust = await broker.PublishAsync(user, "hc/v1/trust", [0xD2, 0x84]);
                Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, trust.ReasonCode);
            }

            // The authority's next batch arrives (the kiosk was listening all along) and nothing else did.
            Assert.True((await Publish(authority, "hc/v1/colors/batch", world.Sign(world.Batch(2, FeedWorld.T0.AddMinutes(2), FeedWorld.Record(1, HealthColor.Yellow, 30))))).IsSuccess);
            await Poll.UntilAsync(() => world.Store.State.Seq == 2UL, "the authority's batch applied");
            Assert.Equal((HealthColor.Yellow, 30L), world.Lookup(FeedWorld.Record(1, HealthColor.Green, 0)));
            Assert.Equal(0, world.Processor.RejectedCount);

            // Tools and other services never receive the feed (it holds every holder's code id and color): neither the
            // retained snapshot on subscribe nor a new batch published before a status they do receive.
            foreach (var user in new[] { "fleet-manager", "fleet-monitor", "home-assistant" })
            {
                using var reader = await broker.ConnectAsync(user);
                var received = new ConcurrentQueue<string>();
                reader.ApplicationMessageReceivedAsync += e =>
                {
                    received.Enqueue(e.ApplicationMessage.Topic);
                    return Task.CompletedTask;
                };
                await reader.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter("hc/v1/#", MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithTopicFilter($"{Site}/kiosk-01/status", MqttQualityOfServiceLevel.AtLeastOnce).Build());
                Assert.True((await Publish(authority, "hc/v1/colors/heartbeat", world.Sign(world.Heartbeat(2, FeedWorld.T0.AddMinutes(3))), retain: true)).IsSuccess);
                Assert.True((await broker.PublishAsync("kiosk-01", $"{Site}/kiosk-01/status", """{"state":"online"}"""u8.ToArray())).IsSuccess);
                await Poll.UntilAsync(() => received.Contains($"{Site}/kiosk-01/status"), $"the status at {user}");
                Assert.DoesNotContain(received, t => t.StartsWith("hc/", StringComparison.Ordinal));
            }
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
            client.Dispose();
        }
    }

    [ToolFact("mosquitto", "mosquitto_passwd")]
    public async Task AKioskReadsTheAuthoritysRetainedSnapshotPartsAndNobodyElseWritesThem()
    {
        await using var broker = await AclBroker.StartAsync();
        const string Part = "hc/v1/colors/snapshot/7/0";
        byte[] bytes = [0xA1, 0x61, 0x74, 0x64, 0x70, 0x61, 0x72, 0x74];
        using (var authority = await broker.ConnectAsync("feed-authority"))
        {
            Assert.True((await Publish(authority, Part, bytes, retain: true)).IsSuccess);
        }

        foreach (var user in new[] { "kiosk-02", "fleet-manager", "home-assistant" })
        {
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await broker.PublishAsync(user, Part, [0x00], retain: true)).ReasonCode);
        }

        using var kiosk = await broker.ConnectAsync("kiosk-01");
        var received = new ConcurrentQueue<byte[]>();
        kiosk.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(e.ApplicationMessage.Payload.ToArray());
            return Task.CompletedTask;
        };
        var granted = await kiosk.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Part, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, Assert.Single(granted.Items).ResultCode);
        await Poll.UntilAsync(() => !received.IsEmpty, "the retained part at the kiosk");
        Assert.Equal(bytes, Assert.Single(received));
    }

    [ToolFact("mosquitto", "mosquitto_passwd")]
    public async Task AClientWithoutRightsCannotOpenAKiosksGate()
    {
        await using var broker = await AclBroker.StartAsync();
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(broker.Broker.Port, data.Path, o =>
        {
            o.Username = "kiosk-01";
            o.Password = AclBroker.PasswordOf("kiosk-01");
        });
        await kiosk.StartAsync();

        foreach (var user in new[] { "kiosk-02", "fleet-monitor", "home-assistant", "feed-authority" })
        {
            foreach (var topic in new[] { $"{Site}/kiosk-01/cmd/open-gate", $"{Site}/all/cmd/open-gate" })
            {
                var result = await broker.PublishAsync(user, topic, """{"requestId":"intruder"}"""u8.ToArray());
                Assert.True(result.ReasonCode == MqttClientPublishReasonCode.NotAuthorized, $"{user} → {topic}: {result.ReasonCode}");
            }
        }

        // A fleet manager can: the gate opens once, and only for that command.
        using var manager = await broker.ConnectAsync("fleet-manager");
        var answers = new ConcurrentQueue<string>();
        manager.ApplicationMessageReceivedAsync += e =>
        {
            answers.Enqueue(e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        await manager.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("fleet/replies/acl-test", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var request = new MqttApplicationMessageBuilder().WithTopic($"{Site}/kiosk-01/cmd/open-gate").WithPayload("""{"requestId":"ops-1"}""")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithResponseTopic("fleet/replies/acl-test").WithCorrelationData([1]).Build();
        Assert.True((await manager.PublishAsync(request)).IsSuccess);
        await Poll.UntilAsync(() => !answers.IsEmpty, "the fleet manager's answer");
        Assert.Contains("\"opened\":true", answers.Single(), StringComparison.Ordinal);
        Assert.Equal(1, kiosk.Indicators.GateOpened);
    }

    [ToolFact("mosquitto", "mosquitto_passwd")]
    public async Task AKioskCannotPublishUnderAnotherKiosksTopics()
    {
        await using var broker = await AclBroker.StartAsync();
        using var watcher = await broker.ConnectAsync("fleet-manager");
        var seen = new ConcurrentQueue<(string Topic, string Payload)>();
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.ConvertPayloadToString()));
            return Task.CompletedTask;
        };
        await watcher.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("kiosk/v1/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var foreign = new[]
        {
            "status", "telemetry", "event/decision", "event/alert", "config/reported", "config/desired", "cmd/ping/result", "cmd/open-gate",
        };
        foreach (var suffix in foreign)
        {
            var result = await broker.PublishAsync("kiosk-02", $"{Site}/kiosk-01/{suffix}", """{"state":"online","forged":true}"""u8.ToArray(), retain: suffix == "status");

            Assert.True(result.ReasonCode == MqttClientPublishReasonCode.NotAuthorized, $"kiosk-02 → kiosk-01/{suffix}: {result.ReasonCode}");
        }

        // Its own topics are its to write.
        Assert.True((await broker.PublishAsync("kiosk-02", $"{Site}/kiosk-02/status", """{"state":"online"}"""u8.ToArray(), retain: true)).IsSuccess);
        await Poll.UntilAsync(() => seen.Any(m => m.Topic == $"{Site}/kiosk-02/status"), "kiosk-02's own status");
        Assert.DoesNotContain(seen, m => m.Topic.Contains("/kiosk-01/", StringComparison.Ordinal));

        // Nor can it leave a Will on another kiosk's status: the broker does not publish it.
        var forgedWill = new MqttClientOptionsBuilder().WithTcpServer(broker.Broker.Host, broker.Broker.Port).WithClientId("kiosk-02-will")
            .WithCredentials("kiosk-02", AclBroker.PasswordOf("kiosk-02")).WithProtocolVersion(MqttProtocolVersion.V500)
            .WithWillTopic($"{Site}/kiosk-01/status").WithWillPayload("""{"state":"lost"}"""u8.ToArray()).WithWillRetain(true).WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        using (var willClient = new MqttClientFactory().CreateMqttClient())
        {
            await willClient.ConnectAsync(forgedWill);
            await willClient.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.DisconnectWithWillMessage).Build());
        }

        // Its own Will does go out (the same path, allowed), and by then the forged one would have too.
        var ownWill = new MqttClientOptionsBuilder().WithTcpServer(broker.Broker.Host, broker.Broker.Port).WithClientId("kiosk-02")
            .WithCredentials("kiosk-02", AclBroker.PasswordOf("kiosk-02")).WithProtocolVersion(MqttProtocolVersion.V500)
            .WithWillTopic($"{Site}/kiosk-02/status").WithWillPayload("""{"state":"lost"}"""u8.ToArray()).WithWillRetain(true).WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        using (var ownClient = new MqttClientFactory().CreateMqttClient())
        {
            await ownClient.ConnectAsync(ownWill);
            await ownClient.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.DisconnectWithWillMessage).Build());
        }

        await Poll.UntilAsync(() => seen.Any(m => m.Topic == $"{Site}/kiosk-02/status" && m.Payload.Contains("lost", StringComparison.Ordinal)), "kiosk-02's own Will");
        Assert.DoesNotContain(seen, m => m.Topic.Contains("/kiosk-01/", StringComparison.Ordinal));
    }

    [ToolFact("mosquitto", "mosquitto_passwd")]
    public async Task AKioskReadsItsOwnRetainedStatusBackButNoOtherKiosks()
    {
        // duplicate_kiosk_id: a kiosk reads its own status topic for a second bootId there, and nothing else's.
        await using var broker = await AclBroker.StartAsync();
        Assert.True((await broker.PublishAsync("kiosk-02", $"{Site}/kiosk-02/status", """{"state":"online","of":"kiosk-02"}"""u8.ToArray(), retain: true)).IsSuccess);
        Assert.True((await broker.PublishAsync("kiosk-01", $"{Site}/kiosk-01/status", """{"state":"online","of":"kiosk-01"}"""u8.ToArray(), retain: true)).IsSuccess);
        using var kiosk = await broker.ConnectAsync("kiosk-01");
        var received = new ConcurrentQueue<(string Topic, bool Retain)>();
        kiosk.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        await kiosk.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter($"{Site}/kiosk-02/status", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter($"{Site}/kiosk-01/status", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await Poll.UntilAsync(() => received.Contains(($"{Site}/kiosk-01/status", true)), "its own retained status");

        // Live too; the other kiosk's status, published first, never arrives.
        Assert.True((await broker.PublishAsync("kiosk-02", $"{Site}/kiosk-02/status", """{"state":"degraded"}"""u8.ToArray(), retain: true)).IsSuccess);
        Assert.True((await broker.PublishAsync("kiosk-01", $"{Site}/kiosk-01/status", """{"state":"degraded"}"""u8.ToArray(), retain: true)).IsSuccess);
        await Poll.UntilAsync(() => received.Contains(($"{Site}/kiosk-01/status", false)), "its own live status");
        Assert.DoesNotContain(received, m => m.Topic.Contains("/kiosk-02/", StringComparison.Ordinal));
    }

    [ToolFact("mosquitto", "mosquitto_passwd")]
    public async Task AKioskWithAWrongPasswordIsNotConnectedAndSaysWhy()
    {
        await using var broker = await AclBroker.StartAsync();
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(broker.Broker.Port, data.Path, o =>
        {
            o.Username = "kiosk-01";
            o.Password = "not-the-password";
        });
        await kiosk.Start();
        await Poll.UntilAsync(() => kiosk.Connection.LastError is not null, "the refused connection");
        Assert.Contains("refused the connection", kiosk.Connection.LastError, StringComparison.Ordinal);
        Assert.Equal(0, kiosk.Connection.SessionCount);
        Assert.False(kiosk.Connectivity.Online);
    }

    [ToolFact("mosquitto", "mosquitto_passwd")]
    public async Task FleetToolsWorkWithinTheirUsersRights()
    {
        await using var broker = await AclBroker.StartAsync();
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(broker.Broker.Port, data.Path, o =>
        {
            o.Username = "kiosk-01";
            o.Password = AclBroker.PasswordOf("kiosk-01");
        });
        await kiosk.StartAsync();
        var mqtt = $"127.0.0.1:{broker.Broker.Port}";
        string[] As(string user) => ["--mqtt", mqtt, "--username", user, "--password", AclBroker.PasswordOf(user), "--timeout", "5"];

        // A read-only user cannot read its own reply topic: the status still lists the kiosk (the reader waits for quiet).
        var status = await CliRunner.RunAsync(["fleet", "status", .. As("fleet-monitor")]);
        Assert.True(status.Code == 0, status.Out + status.Error);
        Assert.Matches(@"site-a\s+kiosk-01\s+online", status.Out);

        // Users without the right get one line, and the gate stays shut.
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(["fleet", "send", "kiosk-01", "open-gate", .. As("fleet-monitor")]), "refused to let this user publish");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(["fleet", "send", "kiosk-01", "open-gate", .. As("home-assistant")]), "refused to let this user publish to kiosk/v1/site-a/kiosk-01/cmd/open-gate");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(["fleet", "status", "--mqtt", mqtt, "--username", "fleet-manager", "--password", "wrong"]), "cannot connect to the broker");
        Assert.Equal(0, kiosk.Indicators.GateOpened);

        // Home Assistant may press resync's button; a fleet manager may open the gate.
        var resync = await CliRunner.RunAsync(["fleet", "send", "kiosk-01", "resync", .. As("home-assistant")]);
        Assert.Equal("site-a/kiosk-01  rejected  resync is not available on this kiosk", resync.Out.Trim());
        var gate = await CliRunner.RunAsync(["fleet", "send", "kiosk-01", "open-gate", .. As("fleet-manager")]);
        Assert.True(gate.Code == 0, gate.Out + gate.Error);
        Assert.Equal(1, kiosk.Indicators.GateOpened);
    }

    private static Task<MqttClientPublishResult> Publish(IMqttClient client, string topic, byte[] payload, bool retain = false) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    /// <summary>Mosquitto with the repository's ACL file and a password file of the example users.</summary>
    private sealed class AclBroker : IAsyncDisposable
    {
        private static readonly string[] Users = ["kiosk-01", "kiosk-02", "fleet-manager", "fleet-monitor", "feed-authority", "home-assistant"];
        private readonly TempDirectory _directory;

        private AclBroker(MosquittoBroker broker, TempDirectory directory)
        {
            Broker = broker;
            _directory = directory;
        }

        public MosquittoBroker Broker { get; }

        public static string PasswordOf(string user) => "pw-" + user;

        public static async Task<AclBroker> StartAsync()
        {
            var directory = new TempDirectory();
            var passwd = Path.Combine(directory.Path, "passwd");
            foreach (var user in Users)
            {
                var result = await DeployTools.RunAsync("mosquitto_passwd", File.Exists(passwd) ? ["-b", passwd, user, PasswordOf(user)] : ["-c", "-b", passwd, user, PasswordOf(user)]);
                Assert.True(result.ExitCode == 0, result.ToString());
            }

            var acl = Path.Combine(DeployTools.RepositoryRoot, "deploy", "mosquitto", "acl");
            var broker = await MosquittoBroker.StartAsync(extraConfig: $"allow_anonymous false\npassword_file {passwd}\nacl_file {acl}");
            return new AclBroker(broker, directory);
        }

        public async Task<IMqttClient> ConnectAsync(string user)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(Broker.Host, Broker.Port).WithClientId($"{user}-{Guid.NewGuid():N}"[..30])
                .WithCredentials(user, PasswordOf(user)).WithProtocolVersion(MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromSeconds(10)).Build());
            return client;
        }

        /// <summary>
        /// One publish on a connection of its own: MQTTnet 5 loses the connection after a PUBACK "not authorized"
        /// from Mosquitto 2.0, so each refused publish gets a fresh one.
        /// </summary>
        public async Task<MqttClientPublishResult> PublishAsync(string user, string topic, byte[] payload, bool retain = false)
        {
            using var client = await ConnectAsync(user);
            return await Publish(client, topic, payload, retain);
        }

        public async ValueTask DisposeAsync()
        {
            await Broker.DisposeAsync();
            _directory.Dispose();
        }
    }
}
