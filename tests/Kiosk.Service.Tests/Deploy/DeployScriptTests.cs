namespace Kiosk.Service.Tests.Deploy;

/// <summary>The deploy scripts (the kiosk's, the fleet console's and what they share) parse, and pass shellcheck where it is installed.</summary>
public sealed class DeployScriptTests
{
    public static TheoryData<string> BashScripts() => [.. PackageDirs.SelectMany(dir => Scripts(dir, "*.sh"))];

    public static TheoryData<string> MaintainerScripts() => [.. PackageDirs.SelectMany(MaintainerScriptsOf)];

    [Theory]
    [MemberData(nameof(BashScripts))]
    public async Task BashScriptsParseAndAreExecutable(string script)
    {
        var path = Path.Combine(DeployTools.RepositoryRoot, script);

        var result = await DeployTools.RunAsync("bash", ["-n", path]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable");
        Assert.Contains("set -euo pipefail", File.ReadAllText(path));
    }

    [Theory]
    [MemberData(nameof(MaintainerScripts))]
    public async Task MaintainerScriptsParseAsPosixSh(string script)
    {
        var path = Path.Combine(DeployTools.RepositoryRoot, script);

        var result = await DeployTools.RunAsync("sh", ["-n", path]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("#!/bin/sh\n", File.ReadAllText(path));
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable");
    }

    [Fact]
    public async Task TheSharedPackagingLibraryParsesAndIsOnlySourced()
    {
        var path = Path.Combine(DeployTools.LibDir, "deb-common.sh");

        var result = await DeployTools.RunAsync("bash", ["-n", path]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(OperatingSystem.IsWindows() || File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), "deb-common.sh is sourced, not run");
        foreach (var dir in PackageDirs)
        {
            Assert.Contains(". \"$here/../lib/deb-common.sh\"", File.ReadAllText(Path.Combine(DeployTools.RepositoryRoot, dir, "package-deb.sh")), StringComparison.Ordinal);
        }
    }

    [ToolFact("shellcheck")]
    public async Task AllScriptsPassShellcheck()
    {
        var scripts = PackageDirs.SelectMany(dir => Scripts(dir, "*.sh").Concat(MaintainerScriptsOf(dir)))
            .Append(Path.Combine("deploy", "lib", "deb-common.sh"))
            .Select(s => Path.Combine(DeployTools.RepositoryRoot, s));

        var result = await DeployTools.RunAsync("shellcheck", ["--external-sources", .. scripts]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    /// <summary>The folders that build a package, relative to the repository root.</summary>
    private static readonly string[] PackageDirs = [Path.Combine("deploy", "raspberrypi"), Path.Combine("deploy", "fleet")];

    private static IEnumerable<string> MaintainerScriptsOf(string dir) => new[] { "postinst", "prerm", "postrm" }.Select(s => Path.Combine(dir, "debian", s));

    private static IEnumerable<string> Scripts(string dir, string pattern) =>
        Directory.EnumerateFiles(Path.Combine(DeployTools.RepositoryRoot, dir), pattern).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).Select(f => Path.Combine(dir, f));
}
