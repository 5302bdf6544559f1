using System.Text.Json;
using Kiosk.Core.Checkpoint;
using Kiosk.FleetConsole;
using Kiosk.Mqtt;
using Kiosk.Service.Tests.Fleet;
using MQTTnet;
using MQTTnet.Protocol;

namespace Kiosk.Service.Tests.FleetConsole;

/// <summary>
/// <c>kiosk fleet</c> against a real Mosquitto with twenty in-process kiosks (the fleet of the benchmarks) and one real
/// <c>kiosk run --simulate</c>: status with a killed, a degraded and a stopped kiosk, commands on both protocols and to
/// a site, remote configuration accepted and rejected, Home Assistant discovery, decommissioning.
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed class FleetConsoleTests
{
    private const int InProcess = 20;

    [Fact]
    public async Task StatusSendConfigAndDiscoveryOnTwentyOneKiosksWithOneKilledOneDegradedAndOneStopped()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var mqtt = $"127.0.0.1:{broker.Port}";
        using var data = new TempDirectory();
        var fleet = Enumerable.Range(0, InProcess).Select(i => FleetTestKiosk.Create(broker.Port, Path.Combine(data.Path, $"k{i:D2}"), kioskId: $"k{i:D2}")).ToList();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/#", "homeassistant/#");
        try
        {
            await Task.WhenAll(fleet.Select(k => k.StartAsync()));
            await using var real = SimulatedKioskProcess.Start(broker.Port, "kiosk-real");
            await manager.WaitForAsync(m => m.Topic == "kiosk/v1/site-a/kiosk-real/status" && State(m) is "online" or "degraded", "the real kiosk's status", 90);

            // One degraded by its thermometer, one by its card reader, one stopped cleanly.
            fleet[3].Alerts.Raise(AlertKinds.ThermometerFault, "PEC mismatch");
            fleet[7].Alerts.Raise(KioskStatusRow.CardReaderFault, "no answer from the reader");
            await fleet[5].DisposeAsync();
            await manager.WaitForAsync(m => m.Topic == "kiosk/v1/site-a/k03/status" && State(m) == "degraded", "k03 degraded");
            await manager.WaitForAsync(m => m.Topic == "kiosk/v1/site-a/k07/status" && State(m) == "degraded", "k07 degraded");
            await manager.WaitForAsync(m => m.Topic == "kiosk/v1/site-a/k05/status" && State(m) == "offline", "k05 offline");

            var status = await CliRunner.RunAsync("fleet", "status", "--mqtt", mqtt, "--json");
            Assert.Equal(1, status.Code);
            var kiosks = JsonDocument.Parse(status.Out).RootElement.GetProperty("kiosks").EnumerateArray().ToDictionary(k => k.GetProperty("kioskId").GetString()!);
            Assert.Equal(InProcess + 1, kiosks.Count);
            Assert.Equal("degraded", kiosks["k03"].GetProperty("state").GetString());
            Assert.Equal("fault", kiosks["k03"].GetProperty("devices").GetProperty("thermometer").GetString());
            Assert.Equal("ok", kiosks["k03"].GetProperty("devices").GetProperty("reader").GetString());
            Assert.Equal("fault", kiosks["k07"].GetProperty("devices").GetProperty("reader").GetString());
            Assert.Equal("offline", kiosks["k05"].GetProperty("state").GetString());
            Assert.Equal("?", kiosks["k05"].GetProperty("devices").GetProperty("camera").GetString());
            Assert.Equal(42UL, kiosks["k01"].GetProperty("colorData").GetProperty("seq").GetUInt64());
            Assert.All(kiosks.Values.Where(k => k.GetProperty("kioskId").GetString() is not ("k03" or "k07" or "k05" or "kiosk-real")), k => Assert.Equal("online", k.GetProperty("state").GetString()));
            Assert.Contains(kiosks["kiosk-real"].GetProperty("state").GetString(), new[] { "online", "degraded" });

            // Send: MQTT 5 request/response to the real kiosk and to an in-process one, the 3.1.1 fallback, a whole site.
            var gate = await CliRunner.RunAsync("fleet", "send", "kiosk-real", "open-gate", "--mqtt", mqtt);
            Assert.True(gate.Code == 0, gate.Out + gate.Error);
            Assert.Equal("site-a/kiosk-real  ok  gate opened", gate.Out.Trim());
            var inProcessGate = await CliRunner.RunAsync("fleet", "send", "site-a/k01", "open-gate", "--mqtt", mqtt);
            Assert.Equal(0, inProcessGate.Code);
            Assert.Equal(1, fleet[1].Indicators.GateOpened);
            var legacy = await CliRunner.RunAsync("fleet", "send", "k02", "ping", "--mqtt", mqtt, "--protocol", "3.1.1");
            Assert.Equal(0, legacy.Code);
            Assert.Contains($"boot {fleet[2].Identity.BootId}", legacy.Out, StringComparison.Ordinal);
            var site = await CliRunner.RunAsync("fleet", "send", "--site", "site-a", "ping", "--mqtt", mqtt);
            Assert.Equal(1, site.Code); // k05 is offline
            var lines = site.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(InProcess + 1, lines.Length);
            Assert.Equal(InProcess, lines.Count(l => l.Contains("  ok  pong", StringComparison.Ordinal)));
            Assert.Contains("site-a/k05  not sent  the kiosk is offline", lines);

            // Config: an accepted key, then a document with a key the kiosk may not change at run time.
            var accepted = await CliRunner.RunAsync("fleet", "config", "kiosk-real", "--set", "Checkpoint:FeverThresholdC=37.5", "--mqtt", mqtt);
            Assert.True(accepted.Code == 0, accepted.Out + accepted.Error);
            Assert.Contains("Checkpoint:FeverThresholdC=37.5  accepted", accepted.Out, StringComparison.Ordinal);
            var rejected = await CliRunner.RunAsync("fleet", "config", "kiosk-real", "--set", "Checkpoint:FeverThresholdC=37.6", "--set", "Fleet:Host=elsewhere.example", "--mqtt", mqtt);
            Assert.Equal(1, rejected.Code);
            Assert.Contains("Fleet:Host=elsewhere.example  rejected  Fleet is not changeable at run time", rejected.Out, StringComparison.Ordinal);
            Assert.Contains("Checkpoint:FeverThresholdC=37.6  rejected  not applied", rejected.Out, StringComparison.Ordinal);
            var invalid = await CliRunner.RunAsync("fleet", "config", "kiosk-real", "--set", "Checkpoint:FeverThresholdC=80", "--mqtt", mqtt);
            Assert.Equal(1, invalid.Code);
            Assert.Matches("Checkpoint:FeverThresholdC=80  rejected  Checkpoint:FeverThresholdC is 80 °C; it must be between 35 °C and 40 °C", invalid.Out);

            // The docs' own examples: one set of language values; a misspelt key named with the closest known one.
            var language = await CliRunner.RunAsync("fleet", "config", "kiosk-real", "--set", "Display:Language=en", "--set", "Checkpoint:FeverThresholdC=37.5", "--mqtt", mqtt);
            Assert.True(language.Code == 0, language.Out + language.Error);
            Assert.Contains("Display:Language=en  accepted", language.Out, StringComparison.Ordinal);
            var misspelt = await CliRunner.RunAsync("fleet", "config", "kiosk-real", "--set", "Checkpoint:FeverThreshold=37.5", "--mqtt", mqtt);
            Assert.Equal(1, misspelt.Code);
            Assert.Contains("Checkpoint:FeverThreshold=37.5  rejected  unknown key 'Checkpoint:FeverThreshold'; did you mean 'Checkpoint:FeverThresholdC'?", misspelt.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("DataAnnotation", invalid.Out + misspelt.Out, StringComparison.Ordinal);

            // The rejected documents were replaced by the accepted one: that is what the broker offers the kiosk next time.
            await using (var late = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/kiosk-real/config/desired"))
            {
                var desired = await late.WaitForAsync(_ => true, "the retained desired document");
                Assert.Equal(37.5, desired.Json.GetProperty("Checkpoint").GetProperty("FeverThresholdC").GetDouble());
                Assert.Equal("en", desired.Json.GetProperty("Display").GetProperty("Language").GetString());
            }

            // Home Assistant: the real kiosk announced itself, and its telemetry carries what the entities read.
            var discovery = manager.Messages.Where(m => m.Topic.StartsWith("homeassistant/", StringComparison.Ordinal) && m.Payload.Length > 0).GroupBy(m => m.Topic).Select(g => g.Last()).ToList();
            Assert.Equal(HomeAssistantDiscovery.Entities.Count, discovery.Count);
            var checkedConfigs = discovery.Select(m => HomeAssistantSchema.Check("homeassistant", m.Topic, m.Payload).Config).ToList();
            Assert.Equal(HomeAssistantDiscovery.Entities.Count, checkedConfigs.Select(c => c.GetProperty("unique_id").GetString()).Distinct().Count());
            var telemetry = await manager.WaitForAsync(m => m.Topic == "kiosk/v1/site-a/kiosk-real/telemetry", "the real kiosk's telemetry");
            foreach (var sensor in checkedConfigs.Where(c => c.TryGetProperty("state_topic", out var t) && t.GetString() == telemetry.Topic))
            {
                HomeAssistantSchema.Resolve(sensor.GetProperty("value_template").GetString()!, telemetry.Json);
            }

            Assert.DoesNotContain(manager.Messages, m => m.Topic.StartsWith("homeassistant/", StringComparison.Ordinal) && m.Topic.Contains("_k0", StringComparison.Ordinal));

            // Killed: the broker publishes its Will, and the status lists it first.
            await real.KillAsync();
            await manager.WaitForAsync(m => m.Topic == "kiosk/v1/site-a/kiosk-real/status" && State(m) == "lost", "the Will", 60);
            var afterKill = await CliRunner.RunAsync("fleet", "status", "--mqtt", mqtt);
            Assert.Equal(1, afterKill.Code);
            var rows = afterKill.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("SITE", rows[0], StringComparison.Ordinal);
            Assert.Matches(@"^site-a\s+kiosk-real\s+lost\s", rows[1]);
            Assert.Matches(@"^site-a\s+k0[37]\s+degraded\s", rows[2]);
            Assert.Matches(@"^site-a\s+k0[37]\s+degraded\s", rows[3]);
            Assert.Matches(@"^site-a\s+k05\s+offline\s", rows[4]);
            Assert.Equal($"{InProcess + 1} kiosks: 1 lost, 2 degraded, 1 offline, {InProcess - 3} online", rows[^1]);
            var gone = await CliRunner.RunAsync("fleet", "send", "kiosk-real", "ping", "--mqtt", mqtt);
            Assert.Equal(1, gone.Code);
            Assert.Equal("site-a/kiosk-real  not sent  the kiosk is lost", gone.Out.Trim());

            // Decommissioned: nothing of it stays retained, and Home Assistant is told to remove its entities.
            var decommission = await CliRunner.RunAsync("fleet", "decommission", "kiosk-real", "--mqtt", mqtt);
            Assert.True(decommission.Code == 0, decommission.Out + decommission.Error);
            foreach (var topic in HomeAssistantDiscovery.ConfigTopics("homeassistant", "site-a", "kiosk-real"))
            {
                await manager.WaitForAsync(m => m.Topic == topic && m.Payload.Length == 0, $"{topic} cleared");
            }

            var afterDecommission = await CliRunner.RunAsync("fleet", "status", "--mqtt", mqtt, "--json");
            Assert.DoesNotContain("kiosk-real", afterDecommission.Out, StringComparison.Ordinal);
            CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "send", "kiosk-real", "ping", "--mqtt", mqtt), "unknown kiosk 'kiosk-real'");
        }
        finally
        {
            foreach (var kiosk in fleet.Where((_, i) => i != 5))
            {
                await kiosk.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ASiteOrKioskIdOutsideTheTopicLevelCharactersIsOneLineWithExitTwo()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var mqtt = $"127.0.0.1:{broker.Port}";
        var guard = TimeSpan.FromSeconds(60);
        var huge = new string('k', 70_000);
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "status", "--mqtt", mqtt, "--site", "a\u001b[2Jb").WaitAsync(guard), "--site (6 characters, with control characters) is not a site name");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "watch", "--mqtt", mqtt, "--site", huge).WaitAsync(guard), "--site (70000 characters) is not a site name");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "send", "k\u0007x", "ping", "--mqtt", mqtt).WaitAsync(guard), "KIOSK (3 characters, with control characters) is not a kiosk id");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "config", huge, "--set", "Checkpoint:FeverThresholdC=37.5", "--mqtt", mqtt).WaitAsync(guard), "KIOSK (70000 characters) is not a kiosk id");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "decommission", "si te/k01", "--mqtt", mqtt).WaitAsync(guard), "KIOSK's site 'si te' is not a site name");
    }

    [Fact]
    public async Task BadInputIsOneLineAndNothingHangsPastItsTimeout()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var mqtt = $"127.0.0.1:{broker.Port}";
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, kioskId: "k01");
        await kiosk.StartAsync();

        // A kiosk whose retained status says online but which is not there: it never answers.
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/#");
        await manager.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("kiosk/v1/site-a/ghost/status").WithPayload("""{"state":"online","problems":[]}""")
            .WithRetainFlag(true).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var guard = TimeSpan.FromSeconds(60);
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "status", "--mqtt", $"127.0.0.1:{MosquittoBroker.FreePort()}", "--timeout", "2").WaitAsync(guard), "cannot connect to the broker");
        using (var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            // Accepts TCP and never speaks MQTT.
            silent.Start();
            var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
            CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "status", "--mqtt", $"127.0.0.1:{port}", "--timeout", "1").WaitAsync(guard), "cannot connect to the broker");
        }

        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "send", "nobody", "ping", "--mqtt", mqtt).WaitAsync(guard), "unknown kiosk 'nobody'");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "send", "k01", "format-disk", "--mqtt", mqtt), "unknown command 'format-disk'");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "send", "ping", "--mqtt", mqtt), "needs a KIOSK, or --site S");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "send", "k01", "ping", "oops", "--mqtt", mqtt), "must be KEY=VALUE");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "status"), "no broker given");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "status", "--mqtt", "nohost"), "HOST:PORT");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "status", "--mqtt", mqtt, "--timeout", "0"), "--timeout");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "status", "--mqtt", mqtt, "--ca-file", "/nonexistent/ca.pem", "--tls"), "CaFile '/nonexistent/ca.pem' does not exist");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "status", "--mqtt", mqtt, "--site", "nowhere"), "no kiosk has a status under kiosk/v1/nowhere/+/status");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "config", "k01", "--set", "FeverThresholdC", "--mqtt", mqtt), "must be Section:Key=Value");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "config", "--set", "Display:Language=en", "--mqtt", mqtt), "give a KIOSK, or --site S for every kiosk of a site");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "config", "k01", "--mqtt", mqtt), "nothing to change");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "decommission", "k01", "--mqtt", mqtt), "stop it before decommissioning");

        // A command the kiosk rejects, and one nobody answers: a line each, exit 1, within the timeout.
        var rejected = await CliRunner.RunAsync("fleet", "send", "k01", "selftest", "--mqtt", mqtt).WaitAsync(guard);
        Assert.Equal(1, rejected.Code);
        Assert.Equal("site-a/k01  rejected  selftest is not available on this kiosk", rejected.Out.Trim());
        var timeout = await CliRunner.RunAsync("fleet", "send", "ghost", "ping", "--mqtt", mqtt, "--timeout", "1").WaitAsync(guard);
        Assert.Equal(1, timeout.Code);
        Assert.Equal("site-a/ghost  timeout  no answer within 1 s", timeout.Out.Trim());
        var configTimeout = await CliRunner.RunAsync("fleet", "config", "ghost", "--set", "Checkpoint:FeverThresholdC=37.5", "--mqtt", mqtt, "--timeout", "1").WaitAsync(guard);
        Assert.Equal(1, configTimeout.Code);
        Assert.Contains("no config/reported for version 1 within 1 s", configTimeout.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenshotIsSavedAsPngAndJsonLinesCarryTheFileNotThePixels()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 7, 7, 7 };
        await using var kiosk = FleetTestKiosk.Create(broker.Port, Path.Combine(data.Path, "k"), kioskId: "k01", screenshot: new FixedScreenshot(png));
        await kiosk.StartAsync();
        var target = Path.Combine(data.Path, "shots");
        var result = await CliRunner.RunAsync("fleet", "send", "k01", "screenshot", "--out", target + "/", "--json", "--mqtt", $"127.0.0.1:{broker.Port}");
        Assert.True(result.Code == 0, result.Out + result.Error);
        var line = JsonDocument.Parse(result.Out).RootElement;
        var file = line.GetProperty("file").GetString()!;
        Assert.Equal(png, await File.ReadAllBytesAsync(file));
        Assert.Matches(@"site-a_k01_\d{8}T\d{6}Z\.png$", file);
        Assert.DoesNotContain("iVBOR", result.Out, StringComparison.Ordinal); // no base64 PNG on stdout
    }

    [Fact]
    public async Task RestartAnswersThenStopsTheKioskCleanlyWithTheExitCodeSystemdRestarts()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/kiosk-r/status");
        await using var real = SimulatedKioskProcess.Start(broker.Port, "kiosk-r", homeAssistant: false);
        await manager.WaitForAsync(m => State(m) is "online" or "degraded", "the kiosk's status", 90);

        var restart = await CliRunner.RunAsync("fleet", "send", "kiosk-r", "restart", "--mqtt", $"127.0.0.1:{broker.Port}");
        Assert.True(restart.Code == 0, restart.Out + restart.Error);
        Assert.Equal("site-a/kiosk-r  ok  restarting", restart.Out.Trim());
        var exit = await real.ExitCodeAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 75, $"exit {exit}: {string.Join("\n", real.Output.TakeLast(30))}");
        await manager.WaitForAsync(m => State(m) == "offline", "offline (a clean stop, not the Will)");
        Assert.DoesNotContain(manager.Messages, m => State(m) == "lost");
    }

    [Fact]
    public async Task SigtermAsSystemdSendsStopsTheKioskCleanlySoTheFleetSeesOfflineNotLost()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/kiosk-t/status");
        await using var real = SimulatedKioskProcess.Start(broker.Port, "kiosk-t", homeAssistant: false);
        await manager.WaitForAsync(m => State(m) is "online" or "degraded", "the kiosk's status", 90);

        real.Terminate();
        var exit = await real.ExitCodeAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"exit {exit}: {string.Join("\n", real.Output.TakeLast(30))}");
        try
        {
            await manager.WaitForAsync(m => State(m) == "offline", "offline");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; states seen {string.Join(", ", manager.Messages.Select(State))}; the kiosk printed:\n{string.Join("\n", real.Output.TakeLast(40))}", ex);
        }

        Assert.DoesNotContain(manager.Messages, m => State(m) == "lost");
        var status = await CliRunner.RunAsync("fleet", "status", "--mqtt", $"127.0.0.1:{broker.Port}");
        Assert.Matches(@"site-a\s+kiosk-t\s+offline", status.Out);
    }

    [Fact]
    public async Task RestartWithoutAHostThatCanRestartIsRejected()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, kioskId: "k01");
        await kiosk.StartAsync();
        var result = await CliRunner.RunAsync("fleet", "send", "k01", "restart", "--mqtt", $"127.0.0.1:{broker.Port}");
        Assert.Equal(1, result.Code);
        Assert.Equal("site-a/k01  rejected  restart is not available on this kiosk", result.Out.Trim());
    }

    private static string? State(ReceivedMessage m) => m.Payload.Length == 0 ? null : m.Json.GetProperty("state").GetString();
}
