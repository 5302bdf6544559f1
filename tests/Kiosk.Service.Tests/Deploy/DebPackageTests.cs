using System.Text.Json.Nodes;

namespace Kiosk.Service.Tests.Deploy;

/// <summary>deploy/raspberrypi/package-deb.sh: the .deb's layout, control fields, conffiles and default config.</summary>
public sealed class DebPackageTests
{
    [ToolFact("dpkg-deb", "readelf")]
    public async Task PutsTheAppInOptTheCommandOnThePathTheUnitAndTheConfigInPlace()
    {
        using var publish = new FakePublish();
        var deb = await PackageOk(publish);

        var listing = await Dpkg("-c", deb);
        var entries = listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(DebEntry.Parse).ToList();

        Assert.All(entries, entry => Assert.Equal("root/root", entry.Owner));
        AssertEntry(entries, "./opt/kiosk/kiosk", "-rwxr-xr-x");
        AssertEntry(entries, "./opt/kiosk/libSystem.Native.so", "-rw-r--r--");
        AssertEntry(entries, "./opt/kiosk/kiosk.runtimeconfig.json", "-rw-r--r--");
        AssertEntry(entries, "./lib/systemd/system/kiosk.service", "-rw-r--r--");
        AssertEntry(entries, "./etc/kiosk/kiosk.json", "-rw-r--r--");
        var link = AssertEntry(entries, "./usr/bin/kiosk", "lrwxrwxrwx");
        Assert.Equal("/opt/kiosk/kiosk", link.LinkTarget);

        Assert.DoesNotContain(entries, entry => entry.Path.EndsWith(".pdb", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, entry => entry.Path.EndsWith("libcoreclrtraceptprovider.so", StringComparison.Ordinal));
        Assert.All(entries, entry => Assert.Matches("^\\./(etc/kiosk|opt/kiosk|usr/bin|usr/share/doc/kiosk|lib/systemd/system|etc|opt|usr|usr/share|usr/share/doc|lib|lib/systemd)?(/.*)?$", entry.Path));
    }

    [ToolFact("dpkg-deb", "readelf")]
    public async Task DeclaresTheLibrariesItNeedsAndTheConfigAsAConffile()
    {
        using var publish = new FakePublish();
        var deb = await PackageOk(publish, "0.4.1~rc1");

        var fields = (await Dpkg("-f", deb, "Package", "Version", "Architecture", "Depends")).StandardOutput;
        Assert.Contains("Package: kiosk\n", fields);
        Assert.Contains("Version: 0.4.1~rc1\n", fields);
        Assert.Contains($"Architecture: {FakePublish.HostDebianArch}\n", fields);

        var depends = (await Dpkg("-f", deb, "Depends")).StandardOutput.Trim().Split(", ");
        Assert.Contains(depends, d => d.StartsWith("libc6 (>= ", StringComparison.Ordinal));
        Assert.Contains("libssl3", depends);
        Assert.Contains("passwd", depends);
        // ALSA for the spoken prompts: P/Invoked, so no ELF file names it.
        Assert.Contains("libasound2", depends);
        Assert.Contains("fonts-noto-cjk", depends);
        // Invariant globalization: no ICU. The NoDependencies Skia build: no fontconfig.
        Assert.DoesNotContain("libicu72", depends);
        Assert.DoesNotContain("libfontconfig1", depends);

        var conffiles = await Dpkg("-I", deb, "conffiles");
        Assert.Equal("/etc/kiosk/kiosk.json", conffiles.StandardOutput.Trim());

        var info = (await Dpkg("-I", deb)).StandardOutput;
        foreach (var script in new[] { "postinst", "prerm", "postrm" })
        {
            Assert.Matches($"\\*\\s+{script}\\s+#!/bin/sh", info);
        }
    }

    [ToolFact("dpkg-deb", "readelf")]
    public async Task ShipsTheUnitAndMaintainerScriptsOfTheRepositoryAndADefaultConfigToFillIn()
    {
        using var publish = new FakePublish();
        var deb = await PackageOk(publish);
        var root = publish.Combine("root");
        var control = publish.Combine("control");
        Assert.Equal(0, (await Dpkg("-x", deb, root)).ExitCode);
        Assert.Equal(0, (await Dpkg("-e", deb, control)).ExitCode);

        Assert.Equal(
            File.ReadAllText(Path.Combine(DeployTools.RaspberryPiDir, "kiosk.service")),
            File.ReadAllText(Path.Combine(root, "lib/systemd/system/kiosk.service")));
        foreach (var script in new[] { "postinst", "prerm", "postrm" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(DeployTools.RaspberryPiDir, "debian", script)), File.ReadAllText(Path.Combine(control, script)));
        }

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "etc/kiosk/kiosk.json")))!;
        Assert.Contains("Kiosk.Site", config["_comment"]!.GetValue<string>());
        Assert.Equal("SET ME", config["Kiosk"]!["Site"]!.GetValue<string>());
        Assert.Equal("SET ME", config["Kiosk"]!["KioskId"]!.GetValue<string>());
        Assert.Equal("/var/lib/kiosk", config["Kiosk"]!["DataDirectory"]!.GetValue<string>());
    }

    [ToolFact("dpkg-deb", "readelf", "jq")]
    public async Task BasesTheDefaultConfigOnTheAppsKioskSectionAndLeavesTheIdentityToTheTechnician()
    {
        using var publish = new FakePublish(appSettingsJson: """
            { "Logging": { "LogLevel": { "Default": "Information" } },
              "Kiosk": { "Site": "demo-site", "KioskId": "kiosk-01", "SiteSecret": "" },
              "Mqtt": { "Host": "fleet.example", "Port": 8883 } }
            """);
        var deb = await PackageOk(publish);
        var root = publish.Combine("root");
        Assert.Equal(0, (await Dpkg("-x", deb, root)).ExitCode);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "etc/kiosk/kiosk.json")))!.AsObject();
        Assert.Equal(string.Empty, config["Kiosk"]!["SiteSecret"]!.GetValue<string>());
        Assert.Equal("SET ME", config["Kiosk"]!["Site"]!.GetValue<string>());
        Assert.Equal("SET ME", config["Kiosk"]!["KioskId"]!.GetValue<string>());
        Assert.Equal("/var/lib/kiosk", config["Kiosk"]!["DataDirectory"]!.GetValue<string>());

        // The other sections keep their defaults in /opt/kiosk/appsettings.json (updated with the package);
        // the comment names them instead of freezing a copy in the conffile.
        Assert.Equal(["_comment", "Kiosk"], config.Select(p => p.Key));
        Assert.EndsWith("Sections with defaults there: Logging, Mqtt.", config["_comment"]!.GetValue<string>());
        Assert.Contains(
            (await Dpkg("-c", deb)).StandardOutput.Split('\n'),
            line => line.EndsWith("./opt/kiosk/appsettings.json", StringComparison.Ordinal));
    }

    [ToolFact("dpkg-deb", "readelf")]
    public async Task DependsOnLibgpiod2WhenTheAppDrivesGpio()
    {
        using var publish = new FakePublish();
        var without = (await Dpkg("-f", await PackageOk(publish, "1.0.0"), "Depends")).StandardOutput.Trim().Split(", ");
        Assert.DoesNotContain("libgpiod2", without);

        // System.Device.Gpio loads libgpiod with dlopen: no NEEDED entry names it, the package must.
        File.WriteAllText(Path.Combine(publish.PublishDir, "System.Device.Gpio.dll"), "managed");
        var with = (await Dpkg("-f", await PackageOk(publish, "1.0.1"), "Depends")).StandardOutput.Trim().Split(", ");
        Assert.Contains("libgpiod2", with);
    }

    [ToolFact("dpkg-deb", "readelf")]
    public async Task DependsOnIcuWhenTheAppIsNotGlobalizationInvariant()
    {
        using var publish = new FakePublish(invariantGlobalization: false);
        var deb = await PackageOk(publish);

        var depends = (await Dpkg("-f", deb, "Depends")).StandardOutput.Trim().Split(", ");
        Assert.Contains("libicu72", depends);
    }

    [ToolFact("dpkg-deb", "readelf")]
    public async Task RefusesAPublishFolderBuiltForAnotherArchitectureInOneLine()
    {
        using var publish = new FakePublish();

        var result = await publish.PackageAsync(arch: FakePublish.OtherDebianArch);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains($"not {FakePublish.OtherDebianArch}", line);
        Assert.False(Directory.Exists(publish.OutDir) && Directory.EnumerateFiles(publish.OutDir).Any());
    }

    [ToolFact("dpkg-deb", "readelf")]
    public async Task RefusesABadVersionAndAFolderWithoutTheKioskInOneLine()
    {
        using var publish = new FakePublish();

        var badVersion = await publish.PackageAsync(version: "v1 beta");
        File.Delete(Path.Combine(publish.PublishDir, "kiosk"));
        var noKiosk = await publish.PackageAsync();

        Assert.Equal(2, badVersion.ExitCode);
        Assert.Equal("error: not a Debian version: v1 beta", badVersion.StandardError.Trim());
        Assert.Equal(2, noKiosk.ExitCode);
        Assert.StartsWith("error: no executable 'kiosk'", noKiosk.StandardError.Trim());
    }

    private static async Task<string> PackageOk(FakePublish publish, string version = "1.2.3")
    {
        var result = await publish.PackageAsync(version);
        Assert.True(result.ExitCode == 0, result.ToString());
        var deb = result.StandardOutput.Trim();
        Assert.Equal(Path.Combine(publish.OutDir, $"kiosk_{version}_{FakePublish.HostDebianArch}.deb"), deb);
        return deb;
    }

    private static Task<ToolResult> Dpkg(params string[] arguments) => DeployTools.RunAsync("dpkg-deb", arguments);

    private static DebEntry AssertEntry(IReadOnlyList<DebEntry> entries, string path, string mode)
    {
        var entry = Assert.Single(entries, e => e.Path == path);
        Assert.Equal(mode, entry.Mode);
        return entry;
    }
}
