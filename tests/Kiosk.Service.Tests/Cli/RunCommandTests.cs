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
        var (scenario, _) = Kiosk.Service.Demo.DemoWorld.Create(scenarioDir);
        var config = Path.Combine(_dir, "broken.json");
        await File.WriteAllTextAsync(config, "{ \"Kiosk\": { \"KioskId\": ");
        AssertOneLineError(await RunAsync("run", "--simulate", "--config", config, "--scenario", scenario), "configuration is broken");
    }

    [Fact]
    public async Task InvalidSetting_IsNamed()
    {
        var scenarioDir = Path.Combine(_dir, "s");
        var (scenario, _) = Kiosk.Service.Demo.DemoWorld.Create(scenarioDir);
        var config = Path.Combine(_dir, "invalid.json");
        await File.WriteAllTextAsync(config, "{ \"Checkpoint\": { \"FeverThresholdC\": 80 } }");
        AssertOneLineError(await RunAsync("run", "--simulate", "--config", config, "--scenario", scenario), "FeverThresholdC");
    }

    [Fact]
    public async Task UnknownCommand() => AssertOneLineError(await RunAsync("fly"), "Unrecognized command or argument 'fly'");
}
