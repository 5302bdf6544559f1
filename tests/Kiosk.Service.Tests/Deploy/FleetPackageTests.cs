namespace Kiosk.Service.Tests.Deploy;

/// <summary>
/// deploy/fleet: the kiosk-fleet package (the web console, which the kiosk's own package leaves out), built by its
/// package-deb.sh from this run's build of src/Kiosk.Service (framework-dependent and portable, the cheap publish;
/// deploy/fleet/build.sh makes the self-contained one): layout, control fields, conffiles, the unit, and that
/// <c>kiosk-fleet fleet serve --help</c> runs from the extracted tree.
/// </summary>
public sealed class FleetPackageTests
{
    private static readonly Dictionary<string, string> FastCompression = new() { ["KIOSK_DEB_COMPRESSION"] = "zstd" };

    private static string UnitPath => Path.Combine(DeployTools.FleetDir, "kiosk-fleet.service");

    [ToolFact("dpkg-deb", "readelf")]
    public async Task PutsTheConsoleInOptItsCommandOnThePathItsUnitAndItsConffilesInPlace()
    {
        using var dir = new TempDirectory();
        var deb = await PackageOk(DeployTools.KioskBuildDir, dir.Combine("out"), "1.2.3");

        var entries = (await Dpkg("-c", deb)).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(DebEntry.Parse).ToList();
        Assert.All(entries, entry => Assert.Equal("root/root", entry.Owner));
        AssertEntry(entries, "./opt/kiosk-fleet/kiosk", "-rwxr-xr-x");
        AssertEntry(entries, "./opt/kiosk-fleet/Kiosk.FleetWeb.dll", "-rw-r--r--");
        AssertEntry(entries, "./lib/systemd/system/kiosk-fleet.service", "-rw-r--r--");
        AssertEntry(entries, "./etc/kiosk-fleet/kiosk-fleet.json", "-rw-r--r--");
        AssertEntry(entries, "./etc/kiosk-fleet/kiosk-fleet.env", "-rw-r--r--");
        AssertEntry(entries, "./usr/share/doc/kiosk-fleet/README.md", "-rw-r--r--");
        Assert.Equal("/opt/kiosk-fleet/kiosk", AssertEntry(entries, "./usr/bin/kiosk-fleet", "lrwxrwxrwx").LinkTarget);
        Assert.Contains(entries, e => e.Path == $"./opt/kiosk-fleet/runtimes/linux-{RidArch}/native/libe_sqlite3.so" && e.Mode == "-rw-r--r--");

        // Nothing of the kiosk's package (the two install side by side), no debug symbols, no other platform's files.
        Assert.DoesNotContain(entries, e => e.Path.StartsWith("./opt/kiosk/", StringComparison.Ordinal) || e.Path.StartsWith("./etc/kiosk/", StringComparison.Ordinal) || e.Path == "./usr/bin/kiosk");
        Assert.DoesNotContain(entries, e => e.Path.EndsWith(".pdb", StringComparison.Ordinal));
        var runtimes = entries.Select(e => e.Path).Where(p => p.StartsWith("./opt/kiosk-fleet/runtimes/", StringComparison.Ordinal))
            .Select(p => p.Split('/')[4]).Where(r => r.Length > 0).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(new[] { $"linux-{RidArch}", "unix" }.Order(StringComparer.Ordinal), runtimes);

        var fields = (await Dpkg("-f", deb, "Package", "Version", "Architecture", "Section")).StandardOutput;
        Assert.Equal($"Package: kiosk-fleet\nVersion: 1.2.3\nArchitecture: {FakePublish.HostDebianArch}\nSection: net\n", fields);
        var depends = (await Dpkg("-f", deb, "Depends")).StandardOutput.Trim().Split(", ");
        Assert.Contains("aspnetcore-runtime-10.0", depends); // framework-dependent: Microsoft's shared framework package
        Assert.Contains(depends, d => d.StartsWith("libc6 (>= ", StringComparison.Ordinal));
        Assert.Contains("libssl3", depends);
        Assert.Contains("passwd", depends);
        Assert.DoesNotContain("libasound2", depends); // the kiosk's hardware is not the console's
        Assert.DoesNotContain("libgpiod2", depends);
        Assert.DoesNotContain("libicu72", depends); // globalization-invariant

        Assert.Equal("/etc/kiosk-fleet/kiosk-fleet.json\n/etc/kiosk-fleet/kiosk-fleet.env", (await Dpkg("-I", deb, "conffiles")).StandardOutput.Trim());
        var description = (await Dpkg("-f", deb, "Description")).StandardOutput;
        Assert.Contains("Framework-dependent", description, StringComparison.Ordinal);
        Assert.All(description.Split('\n'), line => Assert.True(line.Length <= 80, $"description line longer than 80: {line}"));

        // The unit, the conffiles and the maintainer scripts are the repository's.
        var root = dir.Combine("root");
        var control = dir.Combine("control");
        Assert.Equal(0, (await Dpkg("-x", deb, root)).ExitCode);
        Assert.Equal(0, (await Dpkg("-e", deb, control)).ExitCode);
        foreach (var (shipped, source) in new[] { ("lib/systemd/system/kiosk-fleet.service", "kiosk-fleet.service"), ("etc/kiosk-fleet/kiosk-fleet.json", "kiosk-fleet.json"), ("etc/kiosk-fleet/kiosk-fleet.env", "kiosk-fleet.env") })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(DeployTools.FleetDir, source)), File.ReadAllText(Path.Combine(root, shipped)));
        }

        foreach (var script in new[] { "postinst", "prerm", "postrm" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(DeployTools.FleetDir, "debian", script)), File.ReadAllText(Path.Combine(control, script)));
        }
    }

    [ToolFact("dpkg-deb", "readelf")]
    public async Task KioskFleetFleetServeHelpRunsFromTheExtractedTree()
    {
        using var dir = new TempDirectory();
        var deb = await PackageOk(DeployTools.KioskBuildDir, dir.Combine("out"), "1.2.3");
        var root = dir.Combine("root");
        Assert.Equal(0, (await Dpkg("-x", deb, root)).ExitCode);

        // The launcher of a framework-dependent build finds the runtime through DOTNET_ROOT (on a server: the
        // aspnetcore-runtime package's /usr/lib/dotnet or /usr/share/dotnet, found without it).
        var help = await DeployTools.RunAsync(Path.Combine(root, "opt", "kiosk-fleet", "kiosk"), ["fleet", "serve", "--help"], root, new Dictionary<string, string> { ["DOTNET_ROOT"] = DeployTools.DotnetRoot });

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("The fleet's web console", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("--users", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("[default: /etc/kiosk-fleet/users.json]", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("[default: /var/lib/kiosk-fleet/history.db]", help.StandardOutput, StringComparison.Ordinal);
    }

    [ToolFact("dpkg-deb", "readelf")]
    public async Task ASelfContainedPublishNeedsNoRuntimePackageAndAKioskBuildWithoutTheConsoleIsRefusedInOneLine()
    {
        using var publish = new FakePublish();
        var kioskBuild = await Package(publish.PublishDir, publish.OutDir, "1.0.0");
        Assert.Equal(2, kioskBuild.ExitCode);
        Assert.Equal("error: no web console in " + publish.PublishDir + ": it was published with -p:KioskFleetWeb=false (the kiosk's build); publish with deploy/fleet/build.sh", kioskBuild.StandardError.Trim());
        Assert.False(Directory.Exists(publish.OutDir) && Directory.EnumerateFiles(publish.OutDir).Any());

        // The stand-in's runtime config names no framework: a self-contained publish.
        File.WriteAllText(Path.Combine(publish.PublishDir, "Kiosk.FleetWeb.dll"), "managed");
        var deb = await PackageOk(publish.PublishDir, publish.OutDir, "1.0.1");
        var depends = (await Dpkg("-f", deb, "Depends")).StandardOutput.Trim().Split(", ");
        Assert.DoesNotContain(depends, d => d.StartsWith("aspnetcore-runtime", StringComparison.Ordinal) || d.StartsWith("dotnet-runtime", StringComparison.Ordinal));
        Assert.Contains("Self-contained", (await Dpkg("-f", deb, "Description")).StandardOutput, StringComparison.Ordinal);

        var wrongArch = await Package(publish.PublishDir, publish.OutDir, "1.0.2", FakePublish.OtherDebianArch);
        Assert.Equal(2, wrongArch.ExitCode);
        Assert.Contains($"not {FakePublish.OtherDebianArch}", Assert.Single(wrongArch.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public void TheUnitServesTheConsoleAsItsOwnUserWithItsConfigUsersAndHistory()
    {
        var unit = UnitFile.Load(UnitPath);

        Assert.Equal("kiosk-fleet", unit.Get("Service", "User"));
        Assert.Equal("kiosk-fleet", unit.Get("Service", "StateDirectory"));
        Assert.Equal("/opt/kiosk-fleet/kiosk fleet serve --config /etc/kiosk-fleet/kiosk-fleet.json --users /etc/kiosk-fleet/users.json --history /var/lib/kiosk-fleet/history.db $KIOSK_FLEET_ARGS", unit.Get("Service", "ExecStart"));
        Assert.Equal("-/etc/kiosk-fleet/kiosk-fleet.env", unit.Get("Service", "EnvironmentFile"));
        Assert.Equal("on-failure", unit.Get("Service", "Restart"));
        Assert.Equal("multi-user.target", unit.Get("Install", "WantedBy"));

        // No hardware: unlike the kiosk, no device at all; the JIT still needs writable executable memory.
        Assert.Equal("yes", unit.Get("Service", "PrivateDevices"));
        Assert.Equal("strict", unit.Get("Service", "ProtectSystem"));
        Assert.Empty(unit.All("Service", "MemoryDenyWriteExecute"));
        Assert.Empty(unit.All("Service", "DeviceAllow"));

        // The env file's default listens on loopback only, as fleet serve requires for plain HTTP.
        var env = File.ReadAllLines(Path.Combine(DeployTools.FleetDir, "kiosk-fleet.env")).Where(l => l.Length > 0 && l[0] != '#').ToList();
        Assert.Equal(["KIOSK_FLEET_ARGS=--urls http://127.0.0.1:8080"], env);
    }

    [ToolFact("systemd-analyze")]
    public async Task SystemdVerifiesTheUnitWithoutAWarning()
    {
        using var root = new TempDirectory();
        var standIn = root.Combine("kiosk");
        File.WriteAllText(standIn, "#!/bin/sh\nexit 0\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(standIn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var text = File.ReadAllText(UnitPath);
        Assert.Contains("ExecStart=/opt/kiosk-fleet/kiosk ", text);
        var unit = root.Combine("kiosk-fleet.service");
        File.WriteAllText(unit, text.Replace("ExecStart=/opt/kiosk-fleet/kiosk ", $"ExecStart={standIn} ", StringComparison.Ordinal));

        var result = await DeployTools.RunAsync("systemd-analyze", ["verify", "--man=no", unit]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(result.Output.Split('\n'), line => line.Contains("kiosk-fleet.service", StringComparison.Ordinal));
    }

    private static string RidArch => FakePublish.HostDebianArch switch
    {
        "amd64" => "x64",
        "armhf" => "arm",
        var arch => arch,
    };

    private static Task<ToolResult> Package(string publish, string outDir, string version, string? arch = null) =>
        DeployTools.RunAsync("bash", [Path.Combine(DeployTools.FleetDir, "package-deb.sh"), publish, outDir, version, arch ?? FakePublish.HostDebianArch], environment: FastCompression);

    private static async Task<string> PackageOk(string publish, string outDir, string version)
    {
        var result = await Package(publish, outDir, version);
        Assert.True(result.ExitCode == 0, result.ToString());
        var deb = result.StandardOutput.Trim();
        Assert.Equal(Path.Combine(outDir, $"kiosk-fleet_{version}_{FakePublish.HostDebianArch}.deb"), deb);
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
