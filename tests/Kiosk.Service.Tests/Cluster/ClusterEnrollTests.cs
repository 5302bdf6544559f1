using System.Security.Cryptography;
using System.Text.Json;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Service.Cli;
using Kiosk.Service.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using TempDirectory = Kiosk.Service.Tests.Fleet.TempDirectory;
using ToolFactAttribute = Kiosk.Service.Tests.Deploy.ToolFactAttribute;

namespace Kiosk.Service.Tests.Cluster;

/// <summary>
/// <c>kiosk enroll</c> against a real 3-node NATS cluster (MQTT 3.1.1 only), with a list of brokers whose first is
/// dead: the authority key read from the cluster's retained trust and heartbeat, and the broker, feed and data checks,
/// each from the first node that answered, named with the dead one it passed.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class ClusterEnrollTests(NatsClusterFixture fixture) : IClassFixture<NatsClusterFixture>, IDisposable
{
    private const string Site = "site-a";
    private readonly TempDirectory _dir = new();
    private readonly ECDsa _authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private NatsCluster Cluster => fixture.Cluster;

    public void Dispose()
    {
        _authority.Dispose();
        _dir.Dispose();
    }

    [ToolFact("nats-server")]
    public async Task EnrollOverMqtt311ThroughAListWhoseFirstBrokerIsDeadReadsTheKeyAndWritesTheSameFileAsFromTheKeyFile()
    {
        await Cluster.PublishAsync(1, "hc/v1/trust", FeedEncoder.Sign(new TrustMessage(DateTimeOffset.UtcNow, new TrustList([])), _authority), retain: true);
        await Cluster.PublishAsync(2, "hc/v1/colors/heartbeat", FeedEncoder.Sign(new HeartbeatMessage("CN-HL", 7, DateTimeOffset.UtcNow), _authority), retain: true);
        var dead = MosquittoBroker.FreePort(); // nothing listens there
        var fromFile = Config("from-file.json");
        var fromBroker = Config("from-broker.json");

        var file = await CliRunner.RunAsync([.. Args(dead, fromFile, "3.1.1"), "--authority-key-file", KeyFile(), "--fingerprint", Fingerprint]);
        var read = await CliRunner.RunAsync([.. Args(dead, fromBroker, "3.1.1"), "--authority-from-broker", "--authority-fingerprint", Fingerprint]);

        // The key: recovered from the trust and the heartbeat of the node that answered after the dead one.
        Assert.True(read.Code == 1, $"exit {read.Code}: {read.Out}{read.Error}"); // data (no color store yet) and devices fail here
        Assert.Equal(string.Empty, read.Error);
        var keyLine = read.Out.Split('\n').Single(l => l.StartsWith("authority key read from ", StringComparison.Ordinal));
        Assert.Contains("hc/v1/trust, hc/v1/colors/heartbeat are all signed by it", keyLine, StringComparison.Ordinal);
        Assert.True(Cluster.MqttPorts.Any(p => keyLine.StartsWith($"authority key read from 127.0.0.1:{p} (after 127.0.0.1:{dead}: Connection refused): ", StringComparison.Ordinal)), keyLine);

        // The same file, byte for byte, as from the key file; the cluster's list and protocol on both links.
        Assert.True(file.Code == 1, $"exit {file.Code}: {file.Out}{file.Error}");
        Assert.Equal(File.ReadAllText(fromFile), File.ReadAllText(fromBroker));
        using var json = JsonDocument.Parse(File.ReadAllText(fromBroker));
        foreach (var section in new[] { "Fleet", "ColorFeed" })
        {
            var link = json.RootElement.GetProperty(section);
            Assert.Equal("3.1.1", link.GetProperty("Protocol").GetString());
            Assert.Equal(Hosts(dead), link.GetProperty("Hosts").EnumerateArray().Select(h => h.GetString()!).ToArray());
        }

        Assert.Equal(Convert.ToBase64String(_authority.ExportSubjectPublicKeyInfo()), json.RootElement.GetProperty("ColorFeed").GetProperty("AuthorityKey").GetString());
        var kiosk = await CliRunner.RunAsync("colors", "status", "--config", fromBroker);
        Assert.DoesNotContain("configuration is invalid", kiosk.Error, StringComparison.Ordinal);

        // Its checks: one line each, each from a node of the cluster, past the dead broker.
        foreach (var output in new[] { file.Out, read.Out })
        {
            var broker = Line(output, "broker");
            Assert.StartsWith("ok    broker ", broker, StringComparison.Ordinal);
            Assert.Contains($"(MQTT 3.1.1) and authorized as anonymous: its commands' subscription granted (3.1.1 shows no publish refusal) (after 127.0.0.1:{dead}: Connection refused)", broker, StringComparison.Ordinal);
            Assert.True(Cluster.MqttPorts.Any(p => broker.Contains($"reachable at 127.0.0.1:{p} ", StringComparison.Ordinal)), broker);
            var feed = Line(output, "feed");
            Assert.StartsWith("ok    feed ", feed, StringComparison.Ordinal);
            Assert.Contains("CN-HL seen on 127.0.0.1:", feed, StringComparison.Ordinal);
            Assert.Contains("heartbeat seq 7", feed, StringComparison.Ordinal);
            Assert.Contains($"(after 127.0.0.1:{dead}: ", feed, StringComparison.Ordinal);
            var data = Line(output, "data");
            Assert.StartsWith("FAIL  data ", data, StringComparison.Ordinal);
            Assert.Contains("-> start the kiosk (it fetches the snapshot)", data, StringComparison.Ordinal);
        }
    }

    [ToolFact("nats-server")]
    public async Task EnrollLeftAtMqtt5OnTheClusterSaysWhichProtocolToGiveAndEveryBrokerItTried()
    {
        await Cluster.PublishAsync(0, "hc/v1/colors/heartbeat", FeedEncoder.Sign(new HeartbeatMessage("CN-HL", 3, DateTimeOffset.UtcNow), _authority), retain: true);
        var dead = MosquittoBroker.FreePort();
        var output = Config("five.json");

        var result = await CliRunner.RunAsync([.. Args(dead, output, protocol: null), "--authority-key-file", KeyFile(), "--fingerprint", Fingerprint]);

        Assert.True(result.Code == 1, $"exit {result.Code}: {result.Out}{result.Error}");
        var broker = Line(result.Out, "broker");
        Assert.StartsWith($"FAIL  broker        no broker of the 4 answered: 127.0.0.1:{dead}: ", broker, StringComparison.Ordinal);
        foreach (var port in Cluster.MqttPorts)
        {
            Assert.Contains($"127.0.0.1:{port}: ", broker, StringComparison.Ordinal);
        }

        Assert.True(broker.EndsWith("-> the broker does not speak MQTT 5 (a NATS cluster speaks 3.1.1): --protocol 3.1.1", StringComparison.Ordinal), broker);
        Assert.EndsWith("--protocol 3.1.1", Line(result.Out, "feed"), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(output));
        Assert.False(json.RootElement.GetProperty("Fleet").TryGetProperty("Protocol", out _)); // the kiosk's default, 5

        // A protocol the links do not know is refused as the kiosk refuses it, before anything is read or written.
        var bad = Config("bad.json");
        var before = File.ReadAllText(bad);
        CliRunner.AssertOneLineError(await CliRunner.RunAsync([.. Args(dead, bad, "4"), "--authority-key-file", KeyFile(), "--fingerprint", Fingerprint]), "configuration is invalid: Fleet:Protocol must be \"5\" or \"3.1.1\"");
        Assert.Equal(before, File.ReadAllText(bad));
    }

    private string[] Hosts(int dead) => [$"127.0.0.1:{dead}", .. Cluster.MqttPorts.Select(p => $"127.0.0.1:{p}")];

    private string[] Args(int dead, string output, string? protocol)
    {
        var secret = Path.Combine(_dir.Path, "site.secret");
        if (!File.Exists(secret))
        {
            File.WriteAllText(secret, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        return
        [
            "enroll", "--yes", "--site", Site, "--kiosk-id", "door-1", .. Hosts(dead).SelectMany(h => new[] { "--broker", h }),
            .. protocol is null ? Array.Empty<string>() : ["--protocol", protocol],
            "--feed", "CN-HL", "--site-secret-file", secret, "--out", output, "--root", Path.Combine(_dir.Path, "root"), "--timeout", "10",
        ];
    }

    /// <summary>A configuration file that already names a data directory without a color store (the data check's answer is known).</summary>
    private string Config(string name)
    {
        var path = Path.Combine(_dir.Path, name);
        var data = Path.Combine(_dir.Path, "data");
        File.WriteAllText(path, JsonSerializer.Serialize(new { Kiosk = new { DataDirectory = data } }));
        return path;
    }

    private string KeyFile()
    {
        var path = Path.Combine(_dir.Path, "authority.pem");
        File.WriteAllText(path, _authority.ExportSubjectPublicKeyInfoPem());
        return path;
    }

    private string Fingerprint => EnrollCommand.Fingerprint(Convert.ToBase64String(_authority.ExportSubjectPublicKeyInfo()));

    private static string Line(string output, string check)
    {
        var lines = output.Split('\n').Where(l => l.Length > 6 && l[6..].StartsWith(check + " ", StringComparison.Ordinal)).ToArray();
        return lines.Length == 1 ? lines[0] : throw new Xunit.Sdk.XunitException($"{lines.Length} '{check}' lines in:\n{output}");
    }
}
