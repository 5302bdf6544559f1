using Kiosk.Drivers.Gpio;

namespace Kiosk.Drivers.Tests.Gpio;

/// <summary>The driver choice: a pure function of <c>Gpio:Driver</c> and what the machine has.</summary>
public sealed class GpioDriverChoiceTests
{
    private const string Pi5 = "Raspberry Pi 5 Model B Rev 1.0";
    private const string Pi4 = "Raspberry Pi 4 Model B Rev 1.4";

    public static TheoryData<string, GpioDriverKind, LibgpiodVersion, int?, string?, int[], bool, bool, string> Cases() => new()
    {
        // Bookworm on a Pi 5, kernel before 6.6.45: RP1 is gpiochip4; libgpiod2 gives v1.
        { "pi5-old-kernel", GpioDriverKind.Auto, LibgpiodVersion.Auto, null, Pi5, [0, 4, 10, 11, 12, 13], true, false, "Libgpiod V1 4" },
        // A newer kernel numbers the RP1 gpiochip0.
        { "pi5-new-kernel", GpioDriverKind.Auto, LibgpiodVersion.Auto, null, Pi5, [0, 10, 11, 12, 13], true, false, "Libgpiod V1 0" },
        // libgpiod 2.x installed: v2 first.
        { "pi5-v2", GpioDriverKind.Auto, LibgpiodVersion.Auto, null, Pi5, [0], true, true, "Libgpiod V2 0" },
        { "pi5-v1-asked", GpioDriverKind.Libgpiod, LibgpiodVersion.V1, null, Pi5, [0], true, true, "Libgpiod V1 0" },
        { "pi5-chip-asked", GpioDriverKind.Libgpiod, LibgpiodVersion.Auto, 13, Pi5, [0, 13], true, false, "Libgpiod V1 13" },
        // A Pi 4 without libgpiod: the register driver.
        { "pi4-no-libgpiod", GpioDriverKind.Auto, LibgpiodVersion.Auto, null, Pi4, [0, 1], false, false, "RaspberryPi Auto 0" },
        { "pi4-libgpiod", GpioDriverKind.Auto, LibgpiodVersion.Auto, null, Pi4, [0, 1], true, false, "Libgpiod V1 0" },
        { "pi4-raspberrypi", GpioDriverKind.RaspberryPi, LibgpiodVersion.Auto, null, Pi4, [0, 1], true, false, "RaspberryPi Auto 0" },
        // Not a Pi, but a GPIO chip and libgpiod (another SBC).
        { "other-board", GpioDriverKind.Auto, LibgpiodVersion.Auto, null, "Radxa ROCK 5B", [0, 1, 2], true, false, "Libgpiod V1 0" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Chooses(string name, GpioDriverKind kind, LibgpiodVersion version, int? chip, string? model, int[] chips, bool v1, bool v2, string expected)
    {
        var choice = GpioDriverChoice.Choose(kind, version, chip, new GpioMachine(model, chips, v1, v2));
        Assert.True(expected == $"{choice.Kind} {choice.Version} {choice.Chip}", $"{name}: {choice}");
    }

    public static TheoryData<GpioDriverKind, LibgpiodVersion, int?, string?, int[], bool, bool, string> Refusals() => new()
    {
        { GpioDriverKind.RaspberryPi, LibgpiodVersion.Auto, null, Pi5, [0], true, false, "GPIO: Gpio:Driver raspberrypi cannot drive the Raspberry Pi 5's RP1; set Gpio:Driver to libgpiod" },
        { GpioDriverKind.Auto, LibgpiodVersion.Auto, null, Pi5, [0, 4], false, false, "GPIO: libgpiod is not installed (libgpiod.so.2 or libgpiod.so.3); apt-get install libgpiod2" },
        { GpioDriverKind.Libgpiod, LibgpiodVersion.V2, null, Pi5, [0], true, false, "GPIO: libgpiod v2 (libgpiod.so.3) is not installed; apt-get install libgpiod3" },
        { GpioDriverKind.Libgpiod, LibgpiodVersion.Auto, 7, Pi4, [0, 1], true, false, "GPIO: there is no /dev/gpiochip7 (this machine has gpiochip0, gpiochip1); set Gpio:Chip" },
        { GpioDriverKind.Auto, LibgpiodVersion.Auto, null, null, [], true, false, "GPIO: there is no /dev/gpiochip0 (no GPIO chip at all); run the kiosk on its Raspberry Pi, or use kiosk run --simulate" },
        { GpioDriverKind.RaspberryPi, LibgpiodVersion.Auto, null, null, [], false, false, "GPIO: Gpio:Driver raspberrypi needs a Raspberry Pi" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void RefusesInOneLineWithTheFix(GpioDriverKind kind, LibgpiodVersion version, int? chip, string? model, int[] chips, bool v1, bool v2, string expected)
    {
        var error = Assert.Throws<DeviceUnavailableException>(() => GpioDriverChoice.Choose(kind, version, chip, new GpioMachine(model, chips, v1, v2)));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("GPIO", error.Device);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ProbeReadsTheModelAndTheChips()
    {
        var root = Directory.CreateTempSubdirectory("gpio-machine-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "proc/device-tree"));
            File.WriteAllText(Path.Combine(root, "proc/device-tree/model"), Pi5 + "\0");
            Directory.CreateDirectory(Path.Combine(root, "dev"));
            foreach (var name in new[] { "gpiochip0", "gpiochip4", "gpiomem", "i2c-1" })
            {
                File.WriteAllText(Path.Combine(root, "dev", name), "");
            }

            var machine = GpioMachine.Probe(root);
            Assert.Equal(Pi5, machine.Model);
            Assert.True(machine.IsRaspberryPi5);
            Assert.Equal([0, 4], machine.Chips);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
