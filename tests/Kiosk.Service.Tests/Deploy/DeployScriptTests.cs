namespace Kiosk.Service.Tests.Deploy;

/// <summary>The deploy scripts parse, and pass shellcheck where it is installed.</summary>
public sealed class DeployScriptTests
{
    public static TheoryData<string> BashScripts() => [.. Scripts("*.sh")];

    public static TheoryData<string> MaintainerScripts() => [.. new[] { "postinst", "prerm", "postrm" }.Select(s => Path.Combine("debian", s))];

    [Theory]
    [MemberData(nameof(BashScripts))]
    public async Task BashScriptsParseAndAreExecutable(string script)
    {
        var path = Path.Combine(DeployTools.RaspberryPiDir, script);

        var result = await DeployTools.RunAsync("bash", ["-n", path]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable");
        Assert.Contains("set -euo pipefail", File.ReadAllText(path));
    }

    [Theory]
    [MemberData(nameof(MaintainerScripts))]
    public async Task MaintainerScriptsParseAsPosixSh(string script)
    {
        var path = Path.Combine(DeployTools.RaspberryPiDir, script);

        var result = await DeployTools.RunAsync("sh", ["-n", path]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("#!/bin/sh\n", File.ReadAllText(path));
    }

    [ToolFact("shellcheck")]
    public async Task AllScriptsPassShellcheck()
    {
        var scripts = Scripts("*.sh").Concat(new[] { "postinst", "prerm", "postrm" }.Select(s => Path.Combine("debian", s)))
            .Select(s => Path.Combine(DeployTools.RaspberryPiDir, s));

        var result = await DeployTools.RunAsync("shellcheck", ["--external-sources", .. scripts]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static IEnumerable<string> Scripts(string pattern) =>
        Directory.EnumerateFiles(DeployTools.RaspberryPiDir, pattern).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);
}
