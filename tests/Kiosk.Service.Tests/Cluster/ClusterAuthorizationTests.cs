using System.Collections.Concurrent;
using System.Text;
using HealthCode.Formats;
using Kiosk.Colors;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Kiosk.Service.Tests.Colors;
using Kiosk.Service.Tests.Fleet;
using Kiosk.Service.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Microsoft.Extensions.Options;
using DeployTools = Kiosk.Service.Tests.Deploy.DeployTools;
using ToolFactAttribute = Kiosk.Service.Tests.Deploy.ToolFactAttribute;

namespace Kiosk.Service.Tests.Cluster;

/// <summary>
/// The shipped NATS authorization (<c>deploy/nats/authorization.conf</c>) on a real 3-node cluster with a TLS MQTT
/// listener: a kiosk publishes only under its own prefix and reads only the feed and its own commands; only the
/// authority writes the feed; fleet tools never read it. MQTT 3.1.1 has no refusal of a publish: a denied publish is
/// dropped by the broker, which the tests show with a marker sent after it on the same connection.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class ClusterAuthorizationTests : IAsyncLifetime
{
    private const string Site = "kiosk/v1/site-a";
    private readonly TempDirectory _pki = new();
    private TestCertificates _certificates = null!;
    private NatsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        if (NatsCluster.Executable is null)
        {
            return;
        }

        _certificates = TestCertificates.Create(_pki.Path, "Province CA");
        var (cert, key, _) = _certificates.Issue("broker", server: true);
        var authorization = Path.Combine(DeployTools.RepositoryRoot, "deploy", "nats", "authorization.conf");
        var environment = new[] { "FEED_AUTHORITY", "FLEET_MANAGER", "FLEET_MONITOR", "KIOSK_01", "KIOSK_02" }.ToDictionary(u => u + "_PASSWORD", PasswordOf);
        _cluster = await NatsCluster.StartAsync(
            // nats-server includes files relative to its configuration only: the shipped file's text, as it is.
            extraConfig: File.ReadAllText(authorization),
            mqttBlock: $"tls {{ cert_file: \"{cert}\", key_file: \"{key}\", ca_file: \"{_certificates.CaFile}\", timeout: 5 }}",
            environment: environment,
            warmUpLogin: () => Login("fleet-manager"));
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _pki.Dispose();
    }

    [ToolFact("nats-server")]
    public async Task AKioskWritesOnlyUnderItsOwnPrefixAndReadsOnlyTheFeedAndItsOwnCommands()
    {
        await using var manager = await ClientAsync("fleet-manager", 2);
        await manager.SubscribeAsync($"{Site}/#");

        // The kiosk's own links over TLS with its login: status, answers to commands.
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(0, data.Path, o =>
        {
            o.Host = string.Empty;
            o.Hosts = _cluster.Hosts;
            o.Protocol = "3.1.1";
            o.Tls = true;
            o.CaFile = _certificates.CaFile;
            o.TlsServerName = "localhost";
            o.Username = "kiosk-01";
            o.Password = PasswordOf("KIOSK_01");
        });
        await kiosk.StartAsync();
        await manager.WaitForAsync(m => m.Topic == $"{Site}/kiosk-01/status", "kiosk-01's status");
        await manager.PublishAsync($"{Site}/kiosk-01/cmd/ping", """{"requestId":"acl-1"}""");
        var pong = await manager.WaitForAsync(m => m.Topic == $"{Site}/kiosk-01/cmd/ping/result", "the answer to the manager's command");
        Assert.Contains("acl-1", pong.Payload, StringComparison.Ordinal);

        // Another kiosk's topics and the feed: dropped by the broker (the marker after them arrives, they never do).
        await using var intruder = await ClientAsync("kiosk-01", 0);
        await intruder.PublishAsync($"{Site}/kiosk-02/status", """{"state":"online"}""", retain: true);
        await intruder.PublishAsync($"{Site}/kiosk-02/event/decision", "{}");
        await intruder.PublishAsync("kiosk/v1/site-b/kiosk-01/status", "{}");
        await intruder.PublishAsync($"{Site}/kiosk-01/telemetry", "marker-1");
        await manager.WaitForAsync(m => m.Payload == "marker-1", "kiosk-01's own telemetry after the denied publishes");
        Assert.DoesNotContain(manager.Messages, m => m.Topic.Contains("kiosk-02", StringComparison.Ordinal) || m.Topic.Contains("site-b", StringComparison.Ordinal));

        await using var feedReader = await ClientAsync("kiosk-02", 1);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await feedReader.SubscribeAsync("hc/v1/colors/+"));
        await intruder.PublishAsync("hc/v1/colors/batch", "forged");
        await using (var authority = await ClientAsync("feed-authority", 1))
        {
            await authority.PublishAsync("hc/v1/colors/batch", "from-the-authority");
        }

        await feedReader.WaitForAsync(m => m.Payload == "from-the-authority", "the authority's batch");
        Assert.DoesNotContain(feedReader.Messages, m => m.Payload == "forged");

        // Subscriptions: the feed and its own commands yes; another kiosk's commands, the whole tree no.
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await intruder.SubscribeAsync("hc/v1/colors/snapshot"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await intruder.SubscribeAsync("hc/v1/colors/snapshot/+/+"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await intruder.SubscribeAsync($"{Site}/kiosk-01/cmd/+"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await intruder.SubscribeAsync($"{Site}/all/cmd/+"));
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, await intruder.SubscribeAsync($"{Site}/kiosk-02/cmd/+", denied: true));
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, await intruder.SubscribeAsync($"{Site}/kiosk-02/config/desired", denied: true));
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, await intruder.SubscribeAsync("kiosk/v1/#", denied: true));

        // Fleet tools never read the feed.
        await using var monitor = await ClientAsync("fleet-monitor", 2);
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, await monitor.SubscribeAsync("hc/v1/colors/snapshot", denied: true));
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, await manager.SubscribeAsync("hc/v1/colors/snapshot", denied: true));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await monitor.SubscribeAsync($"{Site}/+/status"));
    }

    [ToolFact("nats-server")]
    public async Task TheFeedClientWithAKiosksLoginAppliesTheAuthoritysSnapshotOverTls()
    {
        using var world = new FeedWorld();
        await using (var authority = await ClientAsync("feed-authority", 2))
        {
            await authority.PublishAsync("hc/v1/colors/snapshot", world.Sign(world.Snapshot(1, FeedWorld.T0, FeedWorld.Record(1, HealthColor.Green, 10))), retain: true);
        }

        var client = new MqttFeedClient(world.Processor, Options.Create(new FeedLinkOptions
        {
            Hosts = _cluster.Hosts,
            Protocol = "3.1.1",
            ClientId = FeedLinkOptions.ClientIdFor("kiosk-02"),
            Tls = true,
            CaFile = _certificates.CaFile,
            TlsServerName = "localhost",
            Username = "kiosk-02",
            Password = PasswordOf("KIOSK_02"),
            ReconnectMin = TimeSpan.FromMilliseconds(100),
            ReconnectMax = TimeSpan.FromSeconds(1),
        }), Options.Create(new ColorFeedOptions()), TimeProvider.System);
        await client.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => world.Store.State.Seq == 1UL, "the authority's snapshot applied through the cluster");
            Assert.Equal((HealthColor.Green, 10L), world.Lookup(FeedWorld.Record(1, HealthColor.Red, 0)));
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
            client.Dispose();
        }
    }

    [ToolFact("nats-server")]
    public async Task EnrollOverTlsWithAKiosksLoginIsAuthorizedAsThatKioskAndRefusedAsAnother()
    {
        using var dir = new TempDirectory();
        using var authority = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var keyFile = Path.Combine(dir.Path, "authority.pem");
        File.WriteAllText(keyFile, authority.ExportSubjectPublicKeyInfoPem());
        var password = Path.Combine(dir.Path, "password");
        File.WriteAllText(password, PasswordOf("KIOSK_01"));
        string[] Enroll(string kioskId, string output) =>
        [
            "enroll", "--yes", "--site", "site-a", "--kiosk-id", kioskId, .. _cluster.Hosts.SelectMany(h => new[] { "--broker", h }), "--protocol", "3.1.1",
            "--tls", "--ca-file", _certificates.CaFile, "--username", "kiosk-01", "--password-file", password, "--feed", "CN-HL",
            "--authority-key-file", keyFile, "--fingerprint", Kiosk.Service.Cli.EnrollCommand.Fingerprint(Convert.ToBase64String(authority.ExportSubjectPublicKeyInfo())),
            "--out", Path.Combine(dir.Path, output), "--root", dir.Path, "--timeout", "10",
        ];
        static string BrokerLine(string output) => output.Split('\n').Single(l => l.Length > 6 && l[6..].StartsWith("broker ", StringComparison.Ordinal));

        var own = await CliRunner.RunAsync(Enroll("kiosk-01", "own.json"));
        Assert.StartsWith("ok    broker        reachable at 127.0.0.1:", BrokerLine(own.Out), StringComparison.Ordinal);
        Assert.Contains("(MQTT 3.1.1) and authorized as kiosk-01: its commands' subscription granted", BrokerLine(own.Out), StringComparison.Ordinal);

        // kiosk-01's login enrolled as kiosk-02: the cluster refuses it kiosk-02's commands (deploy/nats/kiosk-user.sh).
        var other = await CliRunner.RunAsync(Enroll("kiosk-02", "other.json"));
        Assert.StartsWith("FAIL  broker ", BrokerLine(other.Out), StringComparison.Ordinal);
        Assert.Contains("took the login but not as kiosk site-a/kiosk-02 (reading its commands refused (UnspecifiedError))", BrokerLine(other.Out), StringComparison.Ordinal);
        Assert.EndsWith("a NATS cluster: deploy/nats/kiosk-user.sh), or check --kiosk-id", BrokerLine(other.Out), StringComparison.Ordinal);
    }

    private static string PasswordOf(string user) => "pw-" + user.ToLowerInvariant().Replace('_', '-');

    private MqttClientOptionsBuilder Login(string user)
    {
        var builder = new MqttClientOptionsBuilder();
        var variable = user.ToUpperInvariant().Replace('-', '_');
        BrokerCredentials.Apply(builder, new BrokerSecurity("Test", "127.0.0.1", true, _certificates.CaFile, "localhost", user, PasswordOf(variable), string.Empty, string.Empty, string.Empty));
        return builder;
    }

    private async Task<Client> ClientAsync(string user, int node)
    {
        var client = new Client();
        var options = Login(user).WithTcpServer(_cluster.Host, _cluster.MqttPorts[node]).WithClientId($"{user}-{Guid.NewGuid():N}"[..30])
            .WithProtocolVersion(MqttProtocolVersion.V311).WithCleanSession(true).WithTimeout(TimeSpan.FromSeconds(10)).Build();
        await client.Mqtt.ConnectAsync(options);
        return client;
    }

    /// <summary>One user's MQTT 3.1.1 connection, keeping what it receives.</summary>
    private sealed class Client : IAsyncDisposable
    {
        public Client() => Mqtt.ApplicationMessageReceivedAsync += e =>
        {
            Messages.Enqueue(new ReceivedMessage(e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload), e.ApplicationMessage.Retain, null, null));
            return Task.CompletedTask;
        };

        public IMqttClient Mqtt { get; } = new MqttClientFactory().CreateMqttClient();

        public ConcurrentQueue<ReceivedMessage> Messages { get; } = new();

        /// <summary>Subscribes (with the retries a cluster needs; a denial is asked once); the broker's code.</summary>
        public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter, bool denied = false)
        {
            var refused = await BrokerSubscriptions.SubscribeAsync(Mqtt, [filter], MqttQualityOfServiceLevel.AtLeastOnce, TimeProvider.System, CancellationToken.None, denied ? 1 : BrokerSubscriptions.Attempts);
            return refused.Count == 0 ? MqttClientSubscribeResultCode.GrantedQoS1 : refused[0].Code;
        }

        public Task PublishAsync(string topic, string payload, bool retain = false) => PublishAsync(topic, Encoding.UTF8.GetBytes(payload), retain);

        public async Task PublishAsync(string topic, byte[] payload, bool retain = false) =>
            await Mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        public async Task<ReceivedMessage> WaitForAsync(Func<ReceivedMessage, bool> match, string what) =>
            (await Poll.ForAsync(() => Messages.FirstOrDefault(match), found => found is not null, what, TimeSpan.FromSeconds(30), detail: _ => string.Join(", ", Messages.Select(m => m.Topic))))!;

        public async ValueTask DisposeAsync()
        {
            if (Mqtt.IsConnected)
            {
                await Mqtt.DisconnectAsync();
            }

            Mqtt.Dispose();
        }
    }
}
