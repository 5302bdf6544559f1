using Kiosk.Service.Tests.Infrastructure;

namespace Kiosk.Service.Tests.Cli;

/// <summary>What the command line says when it refuses something: the thing typed, named as it was typed, with the fix.</summary>
public sealed class CliWordingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cli-wording-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AnUnknownCommandGetsTheClosestKnownOne()
    {
        var demo = await CliRunner.RunAsync("dmeo");
        Assert.Equal(2, demo.Code);
        Assert.Equal("error: unknown command 'dmeo' (did you mean 'demo'?)", demo.Error.Trim());
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "sned"), "unknown command 'sned' (did you mean 'send'?)");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("xyzzyplugh"), "unknown command 'xyzzyplugh' (commands: ");
    }

    [Fact]
    public async Task ColorsImportOfADirectoryWithoutAManifestSaysItIsNeitherAFileNorAManifestFolder() =>
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("colors", "import", _dir), $"error: {_dir} is a directory without manifest.cose, neither a feed message file nor a manifest folder");

    [Fact]
    public async Task SpeakNamesAnOptionAsTypedAndASettingByItsKey()
    {
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("speak", "idle", "--lang", "fr"), "error: --lang must be zh, en or both");
        var config = Path.Combine(_dir, "kiosk.json");
        File.WriteAllText(config, """{"Voice":{"Language":"fr"}}""");
        var fromConfig = await CliRunner.RunAsync("speak", "idle", "--config", config);
        CliRunner.AssertOneLineError(fromConfig, "error: Voice:Language must be zh, en or both");
        Assert.DoesNotContain("--Language", fromConfig.Error, StringComparison.Ordinal);
    }
}
