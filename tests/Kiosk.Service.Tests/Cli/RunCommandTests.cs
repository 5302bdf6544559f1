using Kiosk.Service.Cli;
using Kiosk.Service.Tests.Infrastructure;

namespace Kiosk.Service.Tests.Cli;

/// <summary>Bad input to <c>run</c> and <c>demo</c>: one line on stderr, non-zero exit, no stack trace.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("run-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Code, string Out, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(args);

    private static void AssertOneLineError((int Code, string Out, string Error) result, string expected)
    {
        Assert.NotEqual(0, result.Code);
        CliRunner.AssertOneLineError(result, expected, result.Code);
    }

    [Fact]
    public async Task MissingScenario() =>
        AssertOneLineError(await RunAsync("run", "--simulate", "--scenario", Path.Combine(_dir, "none.json")), "scenario file not found");

    [Fact]
    public async Task MalformedScenario()
    {
        var path = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(path, "{ \"start\": ");
        AssertOneLineError(await RunAsync("run", "--simulate", "--scenario", path), "not valid JSON");
    }

    [Fact]
    public async Task UnknownOption() => AssertOneLineError(await RunAsync("run", "--simulat"), "--simulat");

    [Fact]
    public async Task ScenarioWithoutSimulate() =>
        AssertOneLineError(await RunAsync("run", "--scenario", Path.Combine(_dir, "x.json")), "need --simulate");

    [Fact]
    public async Task AudioWithoutSimulate() =>
        AssertOneLineError(await RunAsync("run", "--audio", Path.Combine(_dir, "audio")), "--audio need --simulate");

    [Fact]
    public async Task BadBrokerAddress() => AssertOneLineError(await RunAsync("run", "--simulate", "--mqtt", "localhost"), "HOST:PORT");

    [Fact]
    public async Task MissingConfigFile() =>
        AssertOneLineError(await RunAsync("run", "--config", Path.Combine(_dir, "nope.json")), "config file not found");

    [Fact]
    public async Task BrokenConfigFile()
    {
        var scenarioDir = Path.Combine(_dir, "s");
        var (scenario, _) = Kiosk.Simulation.Demo.DemoWorld.Create(scenarioDir);
        var config = Path.Combine(_dir, "broken.json");
        await File.WriteAllTextAsync(config, "{ \"Kiosk\": { \"KioskId\": ");
        AssertOneLineError(await RunAsync("run", "--simulate", "--config", config, "--scenario", scenario), "configuration is broken");
    }

    [Theory]
    [InlineData("{ \"Checkpoint\": { \"FeverThresholdC\": 80 } }", "FeverThresholdC")]
    [InlineData("{ \"Checkpoint\": { \"PassHold\": \"x\" } }", "configuration is invalid: Checkpoint:PassHold is not a valid duration")]
    [InlineData("{ \"HealthCode\": { \"SkewSeconds\": 60 } }", "configuration is invalid: HealthCode:SkewSeconds is removed: the skew of codes is Checkpoint:ClockSkew")]
    [InlineData("{ \"Voice\": 5 }", "Voice must be an object of keys, not a value")]
    [InlineData("{ \"Checkpoint\": [1, 2] }", "Checkpoint must be an object of keys, not an array")]
    public async Task InvalidSettingIsNamed(string json, string expected)
    {
        var scenarioDir = Path.Combine(_dir, "s");
        var (scenario, _) = Kiosk.Simulation.Demo.DemoWorld.Create(scenarioDir);
        var config = Path.Combine(_dir, "invalid.json");
        await File.WriteAllTextAsync(config, json);
        AssertOneLineError(await RunAsync("run", "--simulate", "--config", config, "--scenario", scenario), expected);
    }

    [Fact]
    public async Task TrustListFileThatIsNotJsonIsNamed()
    {
        var trust = Path.Combine(_dir, "trust.json");
        await File.WriteAllTextAsync(trust, "issuers: none");
        var config = Path.Combine(_dir, "trust-config.json");
        await File.WriteAllTextAsync(config, $$"""{ "HealthCode": { "TrustListFile": "{{trust}}" }, "Kiosk": { "DataDirectory": "{{_dir}}" }, "ColorFeed": { "DatabasePath": "{{Path.Combine(_dir, "colors.db")}}", "Feed": "CN-HL", "AuthorityKey": "{{FeedKey()}}" } }""");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await KioskCli.RunAsync(["run", "--simulate", "--config", config, "--mqtt", "127.0.0.1:1"], stdout, stderr, timeout.Token);
        AssertOneLineError((code, stdout.ToString(), stderr.ToString()), "HealthCode:TrustListFile");
        Assert.Equal(2, code);
        Assert.Contains("Not a JSON trust list", stderr.ToString());
    }

    private static string FeedKey()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task EventsIntoADirectoryIsRefusedUpFront()
    {
        var (scenario, _) = Kiosk.Simulation.Demo.DemoWorld.Create(Path.Combine(_dir, "s"));
        AssertOneLineError(await RunAsync("run", "--simulate", "--scenario", scenario, "--events", _dir), $"--events {_dir} is a directory");
    }

    [Fact]
    public async Task EventsThatCannotBeWrittenStopTheRunWithOneLine()
    {
        var (scenario, _) = Kiosk.Simulation.Demo.DemoWorld.Create(Path.Combine(_dir, "s"));
        var result = await RunAsync("run", "--simulate", "--scenario", scenario, "--events", "/dev/full");
        AssertOneLineError(result, "--events /dev/full: cannot write");
        Assert.Equal(2, result.Code);
    }

    [Fact]
    public async Task EventsThatCannotBeWrittenNeverEndTheRunAsASuccessOverRepeatedRuns()
    {
        // It once exited 0: each run must end on the first lost line, however the threads fall.
        var (scenario, _) = Kiosk.Simulation.Demo.DemoWorld.Create(Path.Combine(_dir, "s"));
        for (var i = 0; i < 5; i++)
        {
            var result = await RunAsync("run", "--simulate", "--scenario", scenario, "--events", "/dev/full");
            Assert.True(result.Code == 2, $"run {i}: exit {result.Code}: {result.Error}");
            AssertOneLineError(result, "--events /dev/full: cannot write");
        }
    }

    [Fact]
    public async Task DemoSaysItStartedAnEmbeddedBrokerAndWhere()
    {
        var result = await RunAsync("demo", "--out", Path.Combine(_dir, "demo"));
        Assert.True(result.Code == 0, result.Error);
        var line = Assert.Single(result.Out.Split('\n'), l => l.StartsWith("fleet: ", StringComparison.Ordinal));
        var match = System.Text.RegularExpressions.Regex.Match(line, @"^fleet: embedded MQTT broker on 127\.0\.0\.1:(\d+) \(subscribe with mosquitto_sub -p (\d+) -t 'kiosk/v1/#' -v\)$");
        Assert.True(match.Success, line);
        Assert.Equal(match.Groups[1].Value, match.Groups[2].Value);
    }

    [Fact]
    public async Task ASimulatedRunOnADataDirectoryInUseStopsWithOneLine()
    {
        // Two runs on one --data directory once both exited 0 with the same seq numbers.
        var (scenario, _) = Kiosk.Simulation.Demo.DemoWorld.Create(Path.Combine(_dir, "s"));
        var data = Path.Combine(_dir, "data");
        using (Kiosk.Core.DataDirectoryLock.Acquire(data))
        {
            var result = await RunAsync("run", "--simulate", "--scenario", scenario, "--data", data);
            AssertOneLineError(result, $"data directory {data} is in use by another kiosk process (pid {Environment.ProcessId})");
            Assert.Equal(2, result.Code);
        }
    }

    [Fact]
    public async Task ScreensIntoAFileIsRefusedUpFront()
    {
        var file = Path.Combine(_dir, "screens.png");
        await File.WriteAllTextAsync(file, "");
        var result = await RunAsync("run", "--simulate", "--scenario", Path.Combine(_dir, "none.json"), "--screens", file);
        AssertOneLineError(result, $"--screens {file} is a file, not a directory");
        Assert.Equal(2, result.Code);
    }

    [Fact]
    public async Task EndlessScenarioStopsAtItsLimit() =>
        AssertOneLineError(await RunAsync("run", "--simulate", "--scenario", "/dev/zero"), "scenario /dev/zero is larger than 16 MiB");

    /// <summary>
    /// On hardware, a device the configuration names and this machine lacks (here: no libgpiod, no GPIO chip, no
    /// I2C bus) is one line naming it and the fix, not a stack trace. A simulated kiosk needs none of them.
    /// </summary>
    [Fact]
    public async Task RunOnAMachineWithoutTheDevicesIsOneLineNamingTheDevice()
    {
        var config = Path.Combine(_dir, "hardware.json");
        await File.WriteAllTextAsync(config, $$"""{ "Kiosk": { "DataDirectory": "{{_dir}}" }, "ColorFeed": { "Feed": "CN-HL", "AuthorityKey": "{{FeedKey()}}" } }""");
        var result = await RunAsync("run", "--config", config);
        AssertOneLineError(result, ": ");
        Assert.Equal(2, result.Code);
        Assert.Matches("^error: (GPIO|I2C bus 1|camera|display): ", result.Error);
    }

    [Fact]
    public async Task UnknownCommand() => AssertOneLineError(await RunAsync("fly"), "unknown command 'fly' (commands: run, ");
}
