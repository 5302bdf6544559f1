using System.Security.Cryptography;
using System.Text.Json;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Service.Cli;
using Kiosk.Service.Tests.Deploy;
using Kiosk.Service.Tests.FleetConsole;
using Kiosk.Service.Tests.Fleet;
using TempDirectory = Kiosk.Service.Tests.Fleet.TempDirectory;
using MQTTnet;
using MQTTnet.Formatter;

namespace Kiosk.Service.Tests.Cli;

/// <summary>
/// <c>kiosk enroll</c> against a real Mosquitto with the shipped ACL and a password file: the file it writes (values,
/// mode 0640, other keys kept) and one line per check with what to do about each failure.
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed class EnrollCommandTests : IDisposable
{
    private const string Site = "site-a";
    private readonly TempDirectory _dir = new();
    private readonly ECDsa _authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        _authority.Dispose();
        _dir.Dispose();
    }

    private string KeyFile()
    {
        var path = Path.Combine(_dir.Path, "authority.pem");
        File.WriteAllText(path, _authority.ExportSubjectPublicKeyInfoPem());
        return path;
    }

    private string Fingerprint => EnrollCommand.Fingerprint(Convert.ToBase64String(_authority.ExportSubjectPublicKeyInfo()));

    private string PasswordFile(string password)
    {
        var path = Path.Combine(_dir.Path, "password");
        File.WriteAllText(path, password + "\n");
        return path;
    }

    /// <summary>A stand-in root with the devices of the shipped configuration but the camera (RpiCam needs rpicam-vid).</summary>
    private string Root(params string[] devices)
    {
        var root = Path.Combine(_dir.Path, "root");
        foreach (var device in devices)
        {
            var path = Path.Combine(root, device.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, string.Empty);
        }

        Directory.CreateDirectory(root);
        return root;
    }

    private static async Task<MosquittoBroker> StartBrokerAsync(TempDirectory directory, params string[] users)
    {
        var passwd = Path.Combine(directory.Path, "passwd");
        foreach (var user in users)
        {
            var result = await DeployTools.RunAsync("mosquitto_passwd", File.Exists(passwd) ? ["-b", passwd, user, "pw-" + user] : ["-c", "-b", passwd, user, "pw-" + user]);
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        var acl = Path.Combine(DeployTools.RepositoryRoot, "deploy", "mosquitto", "acl");
        return await MosquittoBroker.StartAsync(extraConfig: $"allow_anonymous false\npassword_file {passwd}\nacl_file {acl}");
    }

    private Task PublishHeartbeatAsync(MosquittoBroker broker, string feed, ulong seq, ECDsa? key = null) =>
        PublishRetainedAsync(broker, "hc/v1/colors/heartbeat", FeedEncoder.Sign(new HeartbeatMessage(feed, seq, DateTimeOffset.UtcNow), key ?? _authority));

    private Task PublishTrustAsync(MosquittoBroker broker, ECDsa? key = null) =>
        PublishRetainedAsync(broker, "hc/v1/trust", FeedEncoder.Sign(new TrustMessage(DateTimeOffset.UtcNow, new TrustList([])), key ?? _authority));

    private static async Task PublishRetainedAsync(MosquittoBroker broker, string topic, byte[] payload)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId("authority-" + Guid.NewGuid().ToString("N")[..8])
            .WithCredentials("feed-authority", "pw-feed-authority").WithProtocolVersion(MqttProtocolVersion.V500).Build());
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag().WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await client.DisconnectAsync();
    }

    /// <summary><see cref="Args"/> with the key read from the broker instead of the key file.</summary>
    private string[] FromBroker(string[] args, string? fingerprint = null)
    {
        var list = args.ToList();
        list.RemoveRange(list.IndexOf("--authority-key-file"), 2);
        list[list.IndexOf("--fingerprint")] = "--authority-fingerprint";
        if (fingerprint is not null)
        {
            list[list.IndexOf("--authority-fingerprint") + 1] = fingerprint;
        }

        return [.. list, "--authority-from-broker"];
    }

    private string[] Args(MosquittoBroker broker, string kioskId, string password, string output, string root, params string[] more) =>
    [
        "enroll", "--yes", "--site", Site, "--kiosk-id", kioskId, "--broker", $"127.0.0.1:{broker.Port}", "--username", kioskId,
        "--password-file", PasswordFile(password), "--feed", "CN-HL", "--authority-key-file", KeyFile(), "--fingerprint", Fingerprint,
        "--out", output, "--root", root, "--timeout", "5", .. more,
    ];

    private static string Line(string output, string check) =>
        output.Split('\n').SingleOrDefault(l => l.Length > 6 && l[6..].StartsWith(check + " ", StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no '{check}' line in:\n{output}");

    [ToolFact("mosquitto", "mosquitto_passwd")]
    public async Task EnrollWritesTheFileThenPrintsOneLinePerCheckWithWhatToDo()
    {
        await using var broker = await StartBrokerAsync(_dir, "door-1", "feed-authority");
        await PublishHeartbeatAsync(broker, "CN-HL", 7);
        var output = Path.Combine(_dir.Path, "etc", "kiosk.json");
        File.WriteAllText(output.EnsureDirectory(), """{"Voice":{"Volume":40},"Kiosk":{"Site":"old","DataDirectory":"/nonexistent-kiosk-data"}}""");
        var root = Root("/dev/i2c-1", "/dev/fb0", "/dev/snd/pcmC0D0p");

        var (code, stdout, stderr) = await CliRunner.RunAsync(Args(broker, "door-1", "pw-door-1", output, root));

        Assert.True(code == 1, $"exit {code}: {stdout}{stderr}");
        Assert.Equal(string.Empty, stderr);
        Assert.StartsWith("ok    broker ", Line(stdout, "broker"), StringComparison.Ordinal);
        Assert.Contains("authorized as door-1", Line(stdout, "broker"), StringComparison.Ordinal);
        Assert.StartsWith("ok    feed ", Line(stdout, "feed"), StringComparison.Ordinal);
        Assert.Contains("heartbeat seq 7", Line(stdout, "feed"), StringComparison.Ordinal);
        Assert.StartsWith("FAIL  data ", Line(stdout, "data"), StringComparison.Ordinal);
        Assert.Contains("-> start the kiosk", Line(stdout, "data"), StringComparison.Ordinal);
        Assert.StartsWith("ok    thermometer ", Line(stdout, "thermometer"), StringComparison.Ordinal);
        Assert.StartsWith("ok    card reader ", Line(stdout, "card reader"), StringComparison.Ordinal);
        Assert.StartsWith("ok    display ", Line(stdout, "display"), StringComparison.Ordinal);
        Assert.StartsWith("ok    sound ", Line(stdout, "sound"), StringComparison.Ordinal);
        Assert.Contains(" -> ", Line(stdout, "camera"), StringComparison.Ordinal); // RpiCam: rpicam-vid or /dev/video0 missing here
        Assert.DoesNotContain("pw-door-1", stdout, StringComparison.Ordinal);

        // The file: the enrolled values, the other keys kept, 0640.
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(output) == (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead), "mode 0640");
        using var json = JsonDocument.Parse(File.ReadAllText(output));
        var config = json.RootElement;
        Assert.Equal(40, config.GetProperty("Voice").GetProperty("Volume").GetInt32());
        Assert.Equal((Site, "door-1"), (config.GetProperty("Kiosk").GetProperty("Site").GetString(), config.GetProperty("Kiosk").GetProperty("KioskId").GetString()));
        Assert.Equal(32, Convert.FromBase64String(config.GetProperty("Kiosk").GetProperty("SiteSecret").GetString()!).Length);
        Assert.Equal(("127.0.0.1", broker.Port, "door-1", "pw-door-1"), (config.GetProperty("Fleet").GetProperty("Host").GetString(), config.GetProperty("Fleet").GetProperty("Port").GetInt32(), config.GetProperty("Fleet").GetProperty("Username").GetString(), config.GetProperty("Fleet").GetProperty("Password").GetString()));
        Assert.Equal(Convert.ToBase64String(_authority.ExportSubjectPublicKeyInfo()), config.GetProperty("ColorFeed").GetProperty("AuthorityKey").GetString());
        Assert.Equal("CN-HL", config.GetProperty("ColorFeed").GetProperty("Feed").GetString());

        // The file it wrote is one the kiosk takes: no unknown key, every value valid.
        var check = await CliRunner.RunAsync("colors", "status", "--config", output);
        Assert.DoesNotContain("configuration is invalid", check.Error, StringComparison.Ordinal);
    }

    [ToolFact("mosquitto", "mosquitto_passwd")]
    public async Task AWrongPasswordAnotherKiosksTopicsAndAnotherFeedEachFailWithWhatToDo()
    {
        await using var broker = await StartBrokerAsync(_dir, "door-1", "feed-authority");
        await PublishHeartbeatAsync(broker, "CN-BJ", 3);
        var root = Root();

        var wrong = await CliRunner.RunAsync(Args(broker, "door-1", "not-the-password", Path.Combine(_dir.Path, "a.json"), root));
        Assert.Equal(1, wrong.Code);
        Assert.StartsWith("FAIL  broker ", Line(wrong.Out, "broker"), StringComparison.Ordinal);
        Assert.Contains("-> check --username/--password-file", Line(wrong.Out, "broker"), StringComparison.Ordinal);

        // The login of door-1 used for door-2: the ACL gives it no door-2 topics.
        var args = Args(broker, "door-2", "pw-door-1", Path.Combine(_dir.Path, "b.json"), root);
        args[Array.IndexOf(args, "--username") + 1] = "door-1";
        var other = await CliRunner.RunAsync(args);
        Assert.StartsWith("FAIL  broker ", Line(other.Out, "broker"), StringComparison.Ordinal);
        Assert.Contains("ACL", Line(other.Out, "broker"), StringComparison.Ordinal);

        // MQTT 3.1.1 has no refusal of a publish, and Mosquitto's ACL file grants every subscription (it filters at
        // delivery): the line says what it could check (a NATS cluster refuses the subscription: ClusterAuthorizationTests).
        var other311 = await CliRunner.RunAsync([.. args.Select(a => a.EndsWith("b.json", StringComparison.Ordinal) ? Path.Combine(_dir.Path, "b311.json") : a), "--protocol", "3.1.1"]);
        Assert.Contains("(MQTT 3.1.1) and authorized as door-1: its commands' subscription granted (3.1.1 shows no publish refusal)", Line(other311.Out, "broker"), StringComparison.Ordinal);

        var feed = await CliRunner.RunAsync([.. Args(broker, "door-1", "pw-door-1", Path.Combine(_dir.Path, "c.json"), root), "--protocol", "3.1.1"]);
        Assert.StartsWith("ok    broker ", Line(feed.Out, "broker"), StringComparison.Ordinal);
        Assert.Contains("(MQTT 3.1.1) and authorized as door-1", Line(feed.Out, "broker"), StringComparison.Ordinal);
        Assert.StartsWith("FAIL  feed ", Line(feed.Out, "feed"), StringComparison.Ordinal);
        Assert.Contains("-> check --feed", Line(feed.Out, "feed"), StringComparison.Ordinal);
        Assert.StartsWith("FAIL  thermometer ", Line(feed.Out, "thermometer"), StringComparison.Ordinal);
        Assert.Contains("-> enable I2C", Line(feed.Out, "thermometer"), StringComparison.Ordinal);
        Assert.Contains("-> connect the speaker", Line(feed.Out, "sound"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyWhoseFingerprintDiffersOrAMissingValueIsOneLineError()
    {
        var root = Root();
        var output = Path.Combine(_dir.Path, "x.json");
        string[] common = ["enroll", "--yes", "--site", Site, "--kiosk-id", "door-1", "--broker", "127.0.0.1:1", "--feed", "CN-HL", "--authority-key-file", KeyFile(), "--out", output, "--root", root];

        CliRunner.AssertOneLineError(await CliRunner.RunAsync([.. common, "--fingerprint", "00:11:22"]), "not the authority's");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync([.. common]), "was not confirmed: give --fingerprint");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync([.. common.Where((a, i) => a != "--authority-key-file" && (i == 0 || common[i - 1] != "--authority-key-file"))]), "--authority-key-file (or --authority-from-broker) is required");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("enroll", "--yes", "--site", Site, "--out", output), "--kiosk-id is required");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync([.. common.Select(a => a == "127.0.0.1:1" ? "127.0.0.1:99999" : a), "--fingerprint", Fingerprint]), "--broker '127.0.0.1:99999' must be HOST or HOST:PORT with a port between 1 and 65535");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task WhenNoBrokerOfTheListAnswersEachCheckNamesWhatEveryBrokerSaidAfterOneRound()
    {
        int[] dead = [MosquittoBroker.FreePort(), MosquittoBroker.FreePort()];
        var output = Path.Combine(_dir.Path, "none.json");
        var result = await CliRunner.RunAsync(
            "enroll", "--yes", "--site", Site, "--kiosk-id", "door-1", "--broker", $"127.0.0.1:{dead[0]}", "--broker", $"127.0.0.1:{dead[1]}", "--feed", "CN-HL",
            "--authority-key-file", KeyFile(), "--fingerprint", Fingerprint, "--out", output, "--root", Root(), "--timeout", "5");

        Assert.True(result.Code == 1, $"exit {result.Code}: {result.Out}{result.Error}");
        foreach (var check in new[] { "broker", "feed" })
        {
            var line = Line(result.Out, check);
            Assert.StartsWith("FAIL  ", line, StringComparison.Ordinal);
            Assert.Contains($"no broker of the 2 answered: 127.0.0.1:{dead[0]}: Connection refused; 127.0.0.1:{dead[1]}: Connection refused -> check ", line, StringComparison.Ordinal);
        }

        Assert.StartsWith("FAIL  data ", Line(result.Out, "data"), StringComparison.Ordinal);
    }

    [ToolFact("mosquitto", "mosquitto_passwd", "tmux")]
    public Task OnATerminalEnrollAsksForEachValueAndTheFingerprint() => EnrollOnATerminalAsync(fromBroker: false);

    [ToolFact("mosquitto", "mosquitto_passwd", "tmux")]
    public Task OnATerminalTheAnswerBrokerReadsTheKeyFromTheBrokerAndAsksForItsFingerprint() => EnrollOnATerminalAsync(fromBroker: true);

    private async Task EnrollOnATerminalAsync(bool fromBroker)
    {
        await using var broker = await StartBrokerAsync(_dir, "door-1", "feed-authority");
        await PublishHeartbeatAsync(broker, "CN-HL", 9);
        if (fromBroker)
        {
            await PublishTrustAsync(broker);
        }

        var output = Path.Combine(_dir.Path, "asked.json");
        var raw = Path.Combine(_dir.Path, "raw");
        var socket = "kiosk-enroll-" + Guid.NewGuid().ToString("N")[..8];
        var command = $"dotnet {SimulatedKioskProcess.KioskDll} enroll --out {output} --root {Root()} --timeout 5; echo ENROLL-EXITED $?; tmux -L {socket} wait-for never";
        await Tmux(socket, "new-session", "-d", "-s", "enroll", "-x", "200", "-y", "50", command);
        try
        {
            async Task AnswerAsync(string prompt, string answer)
            {
                await Poll.ForAsync(async () => (await Tmux(socket, "capture-pane", "-p", "-t", "enroll")).StandardOutput, s => s.Contains(prompt, StringComparison.Ordinal), prompt, TimeSpan.FromSeconds(60), pause: TimeSpan.FromMilliseconds(100), detail: s => $"the screen was:\n{s}");
                await Tmux(socket, "send-keys", "-t", "enroll", "-l", answer);
                await Tmux(socket, "send-keys", "-t", "enroll", "Enter");
            }

            await AnswerAsync("site (Kiosk:Site):", Site);
            await AnswerAsync("kiosk id (Kiosk:KioskId):", "door-1");
            await AnswerAsync("broker HOST[:PORT]:", $"127.0.0.1:{broker.Port}");
            await AnswerAsync("broker user (empty: none):", "door-1");
            await AnswerAsync("broker password (not shown):", "pw-door-1");
            await AnswerAsync("color feed name (ColorFeed:Feed):", "CN-HL");
            await AnswerAsync("authority key file (PEM or base64; 'broker': read it from the feed broker):", fromBroker ? "broker" : KeyFile());
            await AnswerAsync($"authority key fingerprint {Fingerprint}: is this the one the authority published? [y/N]", "y");

            var screen = await Poll.ForAsync(async () => (await Tmux(socket, "capture-pane", "-p", "-t", "enroll", "-S", "-50")).StandardOutput, s => s.Contains("ENROLL-EXITED", StringComparison.Ordinal), "enroll to finish", TimeSpan.FromSeconds(90), pause: TimeSpan.FromMilliseconds(200), detail: s => $"the screen was:\n{s}");
            Assert.DoesNotContain("pw-door-1", screen, StringComparison.Ordinal); // the password is not echoed
            Assert.Contains("ok    broker ", screen, StringComparison.Ordinal);
            Assert.Contains("ok    feed ", screen, StringComparison.Ordinal);
            Assert.Contains("ENROLL-EXITED 1", screen, StringComparison.Ordinal); // data and devices fail in the stand-in root
            Assert.Equal(fromBroker, screen.Contains("authority key read from", StringComparison.Ordinal));
            using var json = JsonDocument.Parse(File.ReadAllText(output));
            Assert.Equal("pw-door-1", json.RootElement.GetProperty("Fleet").GetProperty("Password").GetString());
            Assert.Equal(Convert.ToBase64String(_authority.ExportSubjectPublicKeyInfo()), json.RootElement.GetProperty("ColorFeed").GetProperty("AuthorityKey").GetString());
        }
        finally
        {
            await DeployTools.RunAsync("tmux", ["-L", socket, "kill-server"]);
        }
    }

    [ToolFact("mosquitto", "mosquitto_passwd")]
    public async Task TheKeyReadFromTheBrokersSignedMessagesIsWrittenExactlyAsFromTheKeyFile()
    {
        await using var broker = await StartBrokerAsync(_dir, "door-1", "feed-authority");
        await PublishTrustAsync(broker);
        await PublishHeartbeatAsync(broker, "CN-HL", 7);
        var secret = Path.Combine(_dir.Path, "site.secret");
        File.WriteAllText(secret, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var root = Root("/dev/i2c-1", "/dev/fb0", "/dev/snd/pcmC0D0p");
        var fromFile = Path.Combine(_dir.Path, "from-file.json");
        var fromBroker = Path.Combine(_dir.Path, "from-broker.json");

        var file = await CliRunner.RunAsync(Args(broker, "door-1", "pw-door-1", fromFile, root, "--site-secret-file", secret));
        var read = await CliRunner.RunAsync(FromBroker(Args(broker, "door-1", "pw-door-1", fromBroker, root, "--site-secret-file", secret)));

        Assert.True(read.Code == file.Code, $"exit {read.Code}: {read.Out}{read.Error}");
        Assert.Equal(string.Empty, read.Error);
        Assert.Contains($"authority key read from 127.0.0.1:{broker.Port}: hc/v1/trust, hc/v1/colors/heartbeat are all signed by it", read.Out, StringComparison.Ordinal);
        Assert.StartsWith("ok    feed ", Line(read.Out, "feed"), StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(fromFile), File.ReadAllText(fromBroker));
        using var json = JsonDocument.Parse(File.ReadAllText(fromBroker));
        Assert.Equal(Convert.ToBase64String(_authority.ExportSubjectPublicKeyInfo()), json.RootElement.GetProperty("ColorFeed").GetProperty("AuthorityKey").GetString());
    }

    [ToolFact("mosquitto", "mosquitto_passwd")]
    public async Task AKeyReadFromTheBrokerWhoseFingerprintIsNotTheAuthoritysIsRefused()
    {
        await using var broker = await StartBrokerAsync(_dir, "door-1", "feed-authority");
        using var impostor = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await PublishTrustAsync(broker, impostor);
        await PublishHeartbeatAsync(broker, "CN-HL", 7, impostor);
        var output = Path.Combine(_dir.Path, "refused.json");

        var result = await CliRunner.RunAsync(FromBroker(Args(broker, "door-1", "pw-door-1", output, Root())));

        var impostorPrint = EnrollCommand.Fingerprint(Convert.ToBase64String(impostor.ExportSubjectPublicKeyInfo()));
        CliRunner.AssertOneLineError(result, $"the authority key's fingerprint is {impostorPrint}, not {Fingerprint}: the broker's messages are not signed by the authority's key");
        Assert.False(File.Exists(output));
    }

    [ToolFact("mosquitto", "mosquitto_passwd")]
    public async Task OneSignedMessageIsNotEnoughAndMessagesOfTwoKeysOrAnotherFeedAreRefused()
    {
        await using var broker = await StartBrokerAsync(_dir, "door-1", "feed-authority");
        var output = Path.Combine(_dir.Path, "x.json");
        string[] Run()
        {
            var args = FromBroker(Args(broker, "door-1", "pw-door-1", output, Root()));
            args[Array.IndexOf(args, "--timeout") + 1] = "2";
            return args;
        }

        CliRunner.AssertOneLineError(await CliRunner.RunAsync(Run()), $"no retained hc/v1/trust, hc/v1/colors/heartbeat, hc/v1/colors/snapshot on 127.0.0.1:{broker.Port} within 2 s");

        await PublishHeartbeatAsync(broker, "CN-HL", 7);
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(Run()), "only one signed message (hc/v1/colors/heartbeat): one ECDSA signature fits up to 4 keys");

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await PublishTrustAsync(broker, other);
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(Run()), "the retained messages are not signed by one key (hc/v1/trust, hc/v1/colors/heartbeat)");

        await PublishTrustAsync(broker);
        await PublishHeartbeatAsync(broker, "CN-BJ", 7);
        CliRunner.AssertOneLineError(await CliRunner.RunAsync(Run()), "the retained hc/v1/colors/heartbeat on 127.0.0.1:" + broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + " is of another feed than --feed CN-HL");

        CliRunner.AssertOneLineError(await CliRunner.RunAsync([.. Args(broker, "door-1", "pw-door-1", output, Root()), "--authority-from-broker"]), "give --authority-key-file or --authority-from-broker, not both");
        Assert.False(File.Exists(output));
    }

    private static async Task<ToolResult> Tmux(string socket, params string[] arguments)
    {
        var result = await DeployTools.RunAsync("tmux", ["-L", socket, .. arguments]);
        Assert.True(result.ExitCode == 0, $"tmux {string.Join(' ', arguments)}: {result}");
        return result;
    }
}

/// <summary>Test helpers for paths.</summary>
internal static class PathExtensions
{
    /// <summary>Creates the file's directory; returns the path.</summary>
    public static string EnsureDirectory(this string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
