namespace Kiosk.Service.Tests.Deploy;

/// <summary>deploy/raspberrypi/setup-pi.sh on a copy of a Bookworm firmware partition (--no-system: boot files only).</summary>
public sealed class SetupPiTests
{
    private const string BookwormConfig = """
        # For more options and information see
        # http://rptl.io/configtxt

        # Uncomment some or all of these to enable the optional hardware interfaces
        #dtparam=i2c_arm=on
        #dtparam=spi=on

        # Enable audio (loads snd_bcm2835)
        dtparam=audio=on

        # Automatically load overlays for detected cameras
        camera_auto_detect=1

        # Enable DRM VC4 V3D driver
        dtoverlay=vc4-kms-v3d
        max_framebuffers=2

        [cm4]
        otg_mode=1

        [all]

        """;

    private const string BookwormCmdline = "console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait consoleblank=600 quiet\n";

    [Fact]
    public async Task EnablesI2cAt100KhzTheCameraAndTheSpiPanelInOneBlockThatARerunReplaces()
    {
        using var boot = NewBootPartition();

        await SetupOk(boot, "--display", "spi-fbtft");
        await SetupOk(boot, "--display", "spi-fbtft", "--dc-pin", "22");

        var config = File.ReadAllText(boot.Combine("config.txt"));
        Assert.StartsWith(BookwormConfig.TrimEnd(), config);
        Assert.Equal(1, Count(config, "# >>> kiosk"));
        var block = config[config.IndexOf("# >>> kiosk", StringComparison.Ordinal)..];
        var lines = block.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("[all]", lines.First(l => !l.StartsWith('#')));
        Assert.Contains("dtparam=i2c_arm=on", lines);
        Assert.Contains("dtparam=i2c_arm_baudrate=100000", lines);
        Assert.Contains("camera_auto_detect=1", lines);
        Assert.Contains("dtparam=spi=on", lines);
        Assert.Contains("dtoverlay=fbtft,spi0-0,ili9341,dc_pin=22,reset_pin=25,rotate=90,speed=32000000", lines);
        Assert.DoesNotContain(lines, l => l.Contains("dc_pin=24", StringComparison.Ordinal));
        Assert.Equal("# <<< kiosk <<<", lines[^1]);
    }

    [Fact]
    public async Task SwitchingToHdmiDropsTheSpiPanel()
    {
        using var boot = NewBootPartition();

        await SetupOk(boot, "--display", "spi-fbtft");
        await SetupOk(boot, "--display", "hdmi");

        var config = File.ReadAllText(boot.Combine("config.txt"));
        Assert.DoesNotContain("fbtft", config);
        Assert.Contains("disable_overscan=1", config);
    }

    [Fact]
    public async Task TurnsTheJackOnByDefaultAndPicksTheSoundOutputFromAnOption()
    {
        using var boot = NewBootPartition();

        var jack = await Setup(boot);
        var jackBlock = KioskBlock(boot);
        var hdmi = await Setup(boot, "--audio", "hdmi");
        var hdmiBlock = KioskBlock(boot);
        var none = await Setup(boot, "--audio", "none");
        var bad = await Setup(boot, "--audio", "bluetooth");

        Assert.Contains("dtparam=audio=on", jackBlock);
        Assert.Contains("KIOSK_Voice__Device=default:CARD=Headphones", jack.StandardOutput);
        Assert.DoesNotContain("dtparam=audio=on", hdmiBlock);
        Assert.Contains("KIOSK_Voice__Device=default:CARD=vc4hdmi0", hdmi.StandardOutput);
        Assert.Contains("KIOSK_Voice__Enabled=false", none.StandardOutput);
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: --audio must be jack, hdmi, usb or none, not bluetooth", bad.StandardError.Trim());
    }

    [Fact]
    public async Task KeepsCmdlineOneLineHidesTheCursorAndNeverBlanksTheConsole()
    {
        using var boot = NewBootPartition();

        await SetupOk(boot);
        await SetupOk(boot);

        var cmdline = File.ReadAllText(boot.Combine("cmdline.txt"));
        Assert.Equal(
            "console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait consoleblank=0 quiet vt.global_cursor_default=0\n",
            cmdline);
    }

    [Fact]
    public async Task AUartReaderGetsTheUartAndNoSerialConsoleOnItAndARerunChangesNothing()
    {
        using var boot = NewBootPartition();

        await SetupOk(boot, "--uart-reader");
        var config = File.ReadAllText(boot.Combine("config.txt"));
        var cmdline = File.ReadAllText(boot.Combine("cmdline.txt"));
        await SetupOk(boot, "--uart-reader");

        Assert.Equal(config, File.ReadAllText(boot.Combine("config.txt")));
        Assert.Equal(cmdline, File.ReadAllText(boot.Combine("cmdline.txt")));
        var lines = config[config.IndexOf("# >>> kiosk", StringComparison.Ordinal)..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("enable_uart=1", lines);
        var pi5 = Array.IndexOf(lines, "[pi5]");
        Assert.True(pi5 > 0, "a [pi5] section");
        Assert.Equal(["dtparam=uart0=on", "[all]", "# <<< kiosk <<<"], lines[(pi5 + 1)..]);
        Assert.Equal(
            "console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait consoleblank=0 quiet vt.global_cursor_default=0\n",
            cmdline);
    }

    [Fact]
    public async Task WithoutAUartReaderTheUartAndTheSerialConsoleAreLeftAlone()
    {
        using var boot = NewBootPartition();

        await SetupOk(boot, "--display", "hdmi");

        Assert.DoesNotContain("uart", File.ReadAllText(boot.Combine("config.txt")), StringComparison.Ordinal);
        Assert.StartsWith("console=serial0,115200 ", File.ReadAllText(boot.Combine("cmdline.txt")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesAReadOnlyRootWithoutADataPartitionAndABadDisplayInOneLine()
    {
        using var boot = NewBootPartition();

        var readOnly = await Setup(boot, "--read-only");
        var badDisplay = await Setup(boot, "--display", "vga");

        Assert.Equal(2, readOnly.ExitCode);
        Assert.Equal("error: --read-only needs --data LABEL|DEVICE: the kiosk's data must live on a writable partition", readOnly.StandardError.Trim());
        Assert.Equal(2, badDisplay.ExitCode);
        Assert.Equal("error: --display must be hdmi, spi-fbtft or spi-userspace, not vga", badDisplay.StandardError.Trim());
        Assert.Equal(BookwormConfig, File.ReadAllText(boot.Combine("config.txt")));
    }

    private static string KioskBlock(TempDirectory boot)
    {
        var config = File.ReadAllText(boot.Combine("config.txt"));
        return config[config.IndexOf("# >>> kiosk", StringComparison.Ordinal)..];
    }

    private static TempDirectory NewBootPartition()
    {
        var boot = new TempDirectory();
        File.WriteAllText(boot.Combine("config.txt"), BookwormConfig);
        File.WriteAllText(boot.Combine("cmdline.txt"), BookwormCmdline);
        return boot;
    }

    private static Task<ToolResult> Setup(TempDirectory boot, params string[] arguments) =>
        DeployTools.RunAsync("bash", [Path.Combine(DeployTools.RaspberryPiDir, "setup-pi.sh"), "--boot-dir", boot.Path, "--no-system", .. arguments]);

    private static async Task SetupOk(TempDirectory boot, params string[] arguments)
    {
        var result = await Setup(boot, arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static int Count(string text, string value) =>
        (text.Length - text.Replace(value, string.Empty, StringComparison.Ordinal).Length) / value.Length;
}
