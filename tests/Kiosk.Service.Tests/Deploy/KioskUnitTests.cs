using Kiosk.Service.Hosting;

namespace Kiosk.Service.Tests.Deploy;

/// <summary>deploy/raspberrypi/kiosk.service: what the kiosk needs from systemd, and that systemd accepts it.</summary>
public sealed class KioskUnitTests
{
    private static string UnitPath => Path.Combine(DeployTools.RaspberryPiDir, "kiosk.service");

    [Fact]
    public void RunsTheKioskAsANotifyServiceWithAWatchdogRestartedOnFailure()
    {
        var unit = UnitFile.Load(UnitPath);

        Assert.Equal("notify", unit.Get("Service", "Type"));
        Assert.Equal("30", unit.Get("Service", "WatchdogSec"));
        Assert.Equal("on-failure", unit.Get("Service", "Restart"));
        Assert.Equal("kiosk", unit.Get("Service", "StateDirectory"));
        Assert.Equal("kiosk", unit.Get("Service", "User"));
        Assert.Equal("/opt/kiosk/kiosk run --config /etc/kiosk/kiosk.json", unit.Get("Service", "ExecStart"));
        Assert.Equal("multi-user.target", unit.Get("Install", "WantedBy"));
    }

    [Fact]
    public void TheWatchdogServicePingsAtHalfTheUnitsWatchdogSec()
    {
        var unit = UnitFile.Load(UnitPath);
        var watchdogSec = int.Parse(unit.Get("Service", "WatchdogSec")!, System.Globalization.CultureInfo.InvariantCulture);

        // systemd passes WatchdogSec= to the service as WATCHDOG_USEC, in microseconds.
        var usec = (watchdogSec * 1_000_000L).ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(TimeSpan.FromSeconds(watchdogSec / 2.0), WatchdogService.ParseInterval(usec));
    }

    [Fact]
    public void IsHardenedButKeepsTheHardwareAndTheJit()
    {
        var unit = UnitFile.Load(UnitPath);

        Assert.Equal("strict", unit.Get("Service", "ProtectSystem"));
        foreach (var key in new[] { "ProtectHome", "NoNewPrivileges", "PrivateTmp", "ProtectKernelTunables", "ProtectControlGroups", "LockPersonality" })
        {
            Assert.True(unit.Get("Service", key) == "yes", $"{key}=yes expected");
        }

        // PrivateDevices hides /dev/i2c-*, /dev/video*, ...; MemoryDenyWriteExecute breaks the JIT.
        Assert.Empty(unit.All("Service", "PrivateDevices"));
        Assert.Empty(unit.All("Service", "MemoryDenyWriteExecute"));

        var families = unit.Get("Service", "RestrictAddressFamilies")!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("AF_UNIX", families); // sd_notify
        Assert.Contains("AF_INET", families);
        Assert.Contains("AF_INET6", families);

        Assert.Equal("closed", unit.Get("Service", "DevicePolicy"));
        var allowed = unit.All("Service", "DeviceAllow");
        foreach (var device in new[] { "char-i2c rw", "char-spi rw", "char-gpiochip rw", "char-video4linux rw", "char-fb rw", "char-ttyAMA rw", "char-ttyS rw", "char-ttyUSB rw", "char-ttyACM rw", "char-alsa rw" })
        {
            Assert.Contains(device, allowed);
        }
    }

    [Fact]
    public void ThePostinstPutsTheKioskUserInTheGroupsThatOwnTheAllowedDevices()
    {
        var postinst = File.ReadAllLines(Path.Combine(DeployTools.RaspberryPiDir, "debian", "postinst"));
        var loop = postinst.Single(l => l.TrimStart().StartsWith("for group in ", StringComparison.Ordinal)).Trim();

        var groups = loop["for group in ".Length..loop.IndexOf(';', StringComparison.Ordinal)].Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // gpio, i2c, spi, video for the GPIO, thermometer, panel, camera and screen; dialout for the ID card reader's serial port;
        // audio for the spoken prompts.
        Assert.Equal(["gpio", "i2c", "spi", "video", "dialout", "audio"], groups);
    }

    [ToolFact("systemd-analyze")]
    public async Task SystemdVerifiesItWithoutAWarning()
    {
        using var root = new TempDirectory();
        var unit = WithExecutableStandIn(root, File.ReadAllText(UnitPath));

        var result = await Verify(unit);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(result.Output.Split('\n'), line => line.Contains("kiosk.service", StringComparison.Ordinal));
    }

    [ToolFact("systemd-analyze")]
    public async Task TheVerificationCatchesAMistake()
    {
        // The check above means something only if systemd-analyze reports a bad setting.
        using var root = new TempDirectory();
        var unit = WithExecutableStandIn(root, File.ReadAllText(UnitPath).Replace("WatchdogSec=30", "WatchdogSec=thirty", StringComparison.Ordinal));

        var result = await Verify(unit);

        Assert.Contains(result.Output.Split('\n'), line => line.Contains("kiosk.service", StringComparison.Ordinal) && line.Contains("thirty", StringComparison.Ordinal));
    }

    /// <summary>
    /// systemd-analyze verify insists that ExecStart's program exists: the test unit starts an executable
    /// stand-in in a temp folder instead of /opt/kiosk/kiosk; everything else is the shipped unit.
    /// </summary>
    private static string WithExecutableStandIn(TempDirectory root, string unitText)
    {
        var standIn = root.Combine("kiosk");
        File.WriteAllText(standIn, "#!/bin/sh\nexit 0\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(standIn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Assert.Contains("ExecStart=/opt/kiosk/kiosk ", unitText);
        var unit = root.Combine("kiosk.service");
        File.WriteAllText(unit, unitText.Replace("ExecStart=/opt/kiosk/kiosk ", $"ExecStart={standIn} ", StringComparison.Ordinal));
        return unit;
    }

    private static Task<ToolResult> Verify(string unit) =>
        DeployTools.RunAsync("systemd-analyze", ["verify", "--man=no", unit]);
}
