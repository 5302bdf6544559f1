using System.Diagnostics;
using Kiosk.Service.Tests.Fleet;

namespace Kiosk.Service.Tests.Deploy;

/// <summary>
/// <c>deploy/nats/</c>: the node configuration parses (with its authorization, certificates in place), the shipped
/// kiosk blocks are what <c>kiosk-user.sh</c> writes, and the script refuses an id NATS cannot carry.
/// </summary>
public sealed class NatsDeployTests
{
    private static string NatsDir => Path.Combine(DeployTools.RepositoryRoot, "deploy", "nats");

    [ToolFact("nats-server")]
    public async Task TheShippedNodeConfigurationParsesWithItsAuthorization()
    {
        using var directory = new TempDirectory();
        var pki = TestCertificates.Create(Path.Combine(directory.Path, "certs"), "Province CA");
        foreach (var name in new[] { "route", "broker" })
        {
            var (cert, key, _) = pki.Issue(name, server: true);
            File.Move(cert, Path.Combine(pki.Directory, name + ".crt"));
            File.Move(key, Path.Combine(pki.Directory, name + ".key"));
        }

        File.Copy(pki.CaFile, Path.Combine(pki.Directory, "ca.crt"));
        var config = Path.Combine(directory.Path, "nats-server.conf");
        File.WriteAllText(config, File.ReadAllText(Path.Combine(NatsDir, "nats-server.conf")).Replace("/etc/nats/certs/", pki.Directory + "/", StringComparison.Ordinal));
        File.Copy(Path.Combine(NatsDir, "authorization.conf"), Path.Combine(directory.Path, "authorization.conf"));

        var start = new ProcessStartInfo(DeployTools.Find("nats-server")!, ["-c", config, "-t"]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["NATS_NODE"] = "nats-1";
        foreach (var variable in new[] { "FEED_AUTHORITY", "FLEET_MANAGER", "FLEET_MONITOR", "KIOSK_01", "KIOSK_02" })
        {
            start.Environment[variable + "_PASSWORD"] = "pw";
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("configuration file", output, StringComparison.Ordinal);
    }

    [ToolFact("sh")]
    public async Task TheShippedKioskBlocksAreWhatKioskUserShWritesAndAnIdWithADotIsRefused()
    {
        var script = Path.Combine(NatsDir, "kiosk-user.sh");
        var authorization = File.ReadAllText(Path.Combine(NatsDir, "authorization.conf"));
        foreach (var (kiosk, variable) in new[] { ("kiosk-01", "KIOSK_01_PASSWORD"), ("kiosk-02", "KIOSK_02_PASSWORD") })
        {
            var block = await DeployTools.RunAsync("sh", [script, "site-a", kiosk, variable]);
            Assert.Equal(0, block.ExitCode);
            Assert.Contains(block.StandardOutput.TrimEnd(), authorization, StringComparison.Ordinal);
        }

        var dotted = await DeployTools.RunAsync("sh", [script, "site-a", "kiosk.03", "KIOSK_03_PASSWORD"]);
        Assert.Equal(2, dotted.ExitCode);
        Assert.Contains("must not contain '.'", dotted.StandardError, StringComparison.Ordinal);
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute));
    }

    [ToolFact("shellcheck")]
    public async Task KioskUserShPassesShellcheck()
    {
        var result = await DeployTools.RunAsync("shellcheck", [Path.Combine(NatsDir, "kiosk-user.sh")]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
