using System.Diagnostics;
using System.Text.Json;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Service.Cli;
using Kiosk.Service.Tests.Colors;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Cli;

/// <summary>Every command reads the service's configuration (appsettings.json, /etc/kiosk/kiosk.json, --config, KIOSK_ variables).</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly FeedWorld _w = new();

    public ConfigurationTests() => _w.Store.Dispose();

    public void Dispose() => _w.Dispose();

    private string Key => AuthorityKey.ToBase64Spki(_w.Authority);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await KioskCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string WriteConfig(string name, object settings)
    {
        var path = Path.Combine(_w.Directory, name);
        File.WriteAllText(path, JsonSerializer.Serialize(settings));
        return path;
    }

    private string WriteSnapshot(DateTimeOffset? at = null)
    {
        var path = Path.Combine(_w.Directory, "snapshot.cose");
        File.WriteAllBytes(path, _w.Sign(_w.Snapshot(3, at ?? T0, Record(1, HealthColor.Red, 10), Record(2, HealthColor.Green, 10))));
        return path;
    }

    [Fact]
    public async Task ColorsImportTakesTheDataDirectoryFromAKioskVariable()
    {
        var data = Path.Combine(_w.Directory, "var-lib-kiosk");
        var start = new ProcessStartInfo(CrashConsistencyTests.DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "kiosk.dll"), "colors", "import", WriteSnapshot() })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["KIOSK_Kiosk__DataDirectory"] = data;
        start.Environment["KIOSK_ColorFeed__Feed"] = _w.Feed;
        start.Environment["KIOSK_ColorFeed__AuthorityKey"] = Key;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "kiosk colors import did not finish");
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.StartsWith("snapshot_applied", await stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(data, "colors.db")));
    }

    [Fact]
    public async Task SimulateKeepsTheDataDirectoryOfAKioskVariable()
    {
        var data = Path.Combine(_w.Directory, "simulated-kiosk-data");
        var start = new ProcessStartInfo(CrashConsistencyTests.DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "kiosk.dll"), "run", "--simulate", "--scenario", Path.Combine(Kiosk.Testing.SampleScenario.Directory, "scenario.json") })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["KIOSK_Kiosk__DataDirectory"] = data;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "kiosk run --simulate did not finish");
        await stdout;
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.True(File.Exists(Path.Combine(data, "colors.db")), "the store is not in KIOSK_Kiosk__DataDirectory");
    }

    [Fact]
    public void AModesDefaultsGoUnderTheFilesAndOnlyTheCommandLineGoesOver()
    {
        var config = WriteConfig("order.json", new { Kiosk = new { DataDirectory = "/from/config" }, Camera = new { FramesPerSecond = 25 } });
        var root = Kiosk.Service.Hosting.KioskConfiguration.Build(
            config,
            overrides: new Dictionary<string, string?> { ["Camera:FramesPerSecond"] = "5" },
            includeSystemFile: false,
            defaults: new Dictionary<string, string?> { ["Kiosk:DataDirectory"] = "/default", ["Display:ScreensDirectory"] = "/default-screens" });
        Assert.Equal("/from/config", root["Kiosk:DataDirectory"]); // --config over --simulate's default
        Assert.Equal("/default-screens", root["Display:ScreensDirectory"]); // the default over appsettings.json
        Assert.Equal("5", root["Camera:FramesPerSecond"]); // the command line over everything
    }

    [Fact]
    public async Task ColorsImportAndStatusReadTheirSettingsFromConfig()
    {
        var data = Path.Combine(_w.Directory, "from-config");
        var config = WriteConfig("kiosk.json", new
        {
            Kiosk = new { DataDirectory = data },
            ColorFeed = new { Feed = _w.Feed, AuthorityKey = Key, MaxPacketBytes = 1 << 20 },
            Checkpoint = new { MaxColorDataAge = "00:05:00" },
        });

        // `colors status` judges freshness on the system clock, as the kiosk does: an hour-old snapshot.
        var import = await Run("colors", "import", WriteSnapshot(TimeProvider.System.GetUtcNow().AddHours(-1)), "--config", config);
        Assert.True(import.Code == 0, import.Err);
        Assert.True(File.Exists(Path.Combine(data, "colors.db")));

        // Freshness comes from the Checkpoint section: an hour is more than five minutes, less than the default day.
        var status = await Run("colors", "status", "--config", config);
        Assert.True(status.Code == 0, status.Err);
        Assert.Contains("records: 2", status.Out);
        Assert.Contains("(stale)", status.Out);
        var withDefaults = await Run("colors", "status", "--db", Path.Combine(data, "colors.db"), "--feed", _w.Feed, "--authority-key", Key);
        Assert.True(withDefaults.Code == 0, withDefaults.Err);
        Assert.DoesNotContain("(stale)", withDefaults.Out);

        // The message limit is ColorFeed:MaxPacketBytes, enforced while reading.
        var endless = await Run("colors", "import", "/dev/zero", "--config", config);
        Assert.Equal(2, endless.Code);
        Assert.Equal("error: /dev/zero is larger than 1 MiB (ColorFeed:MaxPacketBytes)", endless.Err.Trim());
    }

    [Fact]
    public async Task InspectVerifiesAgainstTheConfiguredTrustList()
    {
        using var key = SigningKey.CreateEs256();
        var trust = Path.Combine(_w.Directory, "trust.json");
        File.WriteAllText(trust, TrustListFormat.ToJson(new TrustList([key.ToTrustedIssuer("CN-HL", T0.AddDays(-1), T0.AddDays(1))])));
        var claim = new HealthCodeClaim(CodeId.FromBytes(new byte[16]), HealthColor.Green, T0.AddDays(-2).ToUnixTimeSeconds(), "王*明", false);
        var code = new HealthCodeIssuer(key).Issue("CN-HL", T0.AddMinutes(-1), T0.AddMinutes(4), claim);
        var config = WriteConfig("inspect.json", new { HealthCode = new { TrustListFile = trust } });

        var (exit, stdout, stderr) = await Run("inspect", code, "--at", "2026-12-01T09:00:00Z", "--config", config);
        Assert.True(exit == 0, stderr);
        Assert.StartsWith("valid: HCN1 code from CN-HL", stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderTakesSizeLanguageAndKioskIdFromConfig()
    {
        var output = Path.Combine(_w.Directory, "idle.png");
        var config = WriteConfig("render.json", new { Display = new { Width = 320, Height = 240, Language = "English" }, Kiosk = new { KioskId = "door-3" } });
        var (exit, stdout, stderr) = await Run("render", "--screen", "idle", "--out", output, "--config", config);
        Assert.True(exit == 0, stderr);
        Assert.Equal($"{output} (320x240, idle)", stdout.Trim());

        var invalid = WriteConfig("render-bad.json", new { Display = new { Width = 10 } });
        (exit, _, stderr) = await Run("render", "--screen", "idle", "--out", output, "--config", invalid);
        Assert.Equal(2, exit);
        Assert.StartsWith("error: configuration is invalid:", stderr, StringComparison.Ordinal);
        Assert.Contains("Width", stderr);
    }

    public static TheoryData<string[]> EveryCommand() => new()
    {
        { ["run", "--simulate"] },
        { ["demo", "--out", "/nonexistent/demo"] },
        { ["inspect", "HCN1:ABC"] },
        { ["colors", "import", "/nonexistent/x.cose"] },
        { ["colors", "status"] },
        { ["render", "--screen", "idle"] },
        { ["scan", "/nonexistent/x.png"] },
    };

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public async Task EveryCommandTakesConfigAndReportsABrokenOneInOneLine(string[] command)
    {
        var broken = Path.Combine(_w.Directory, "broken.json");
        File.WriteAllText(broken, "{ \"Kiosk\": ");
        var (exit, stdout, stderr) = await Run([.. command, "--config", broken]);
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.StartsWith("error: configuration is broken:", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));

        (exit, _, stderr) = await Run([.. command, "--config", "/dev/zero"]);
        Assert.Equal(2, exit);
        Assert.Equal("error: configuration file cannot be read: /dev/zero is larger than 4 MiB", stderr.Trim());

        (exit, _, stderr) = await Run([.. command, "--config", Path.Combine(_w.Directory, "missing.json")]);
        Assert.Equal(2, exit);
        Assert.StartsWith("error: config file not found:", stderr, StringComparison.Ordinal);
    }
}
