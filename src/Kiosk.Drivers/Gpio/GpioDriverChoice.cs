using System.Device.Gpio;
using System.Device.Gpio.Drivers;

namespace Kiosk.Drivers.Gpio;

/// <summary>The driver to open: the kind and, for libgpiod, the API version and the chip.</summary>
/// <param name="Kind"><see cref="GpioDriverKind.RaspberryPi"/> or <see cref="GpioDriverKind.Libgpiod"/>.</param>
/// <param name="Version">For libgpiod: <see cref="LibgpiodVersion.V1"/> or <see cref="LibgpiodVersion.V2"/>.</param>
/// <param name="Chip">For libgpiod: N of <c>/dev/gpiochipN</c>.</param>
public sealed record GpioDriverChoice(GpioDriverKind Kind, LibgpiodVersion Version, int Chip)
{
    /// <summary>
    /// Chooses the driver from the setting and the machine (a pure function; <see cref="GpioMachine.Probe"/> gives
    /// the machine). System.Device.Gpio's own board detection has failed on the Pi 5 before (dotnet/iot#2366), so
    /// nothing is left to it: <see cref="GpioDriverKind.Auto"/> takes libgpiod whenever it loads (v2 before v1),
    /// else the register driver on a Pi 3/4. The Pi 5's header is on the RP1: <c>/dev/gpiochip4</c> on kernels
    /// before 6.6.45, <c>/dev/gpiochip0</c> since; other boards use chip 0.
    /// </summary>
    /// <param name="kind">The configured driver.</param>
    /// <param name="version">The configured libgpiod version.</param>
    /// <param name="chip">The configured chip; null = the board's header chip.</param>
    /// <param name="machine">What the machine has.</param>
    /// <exception cref="DeviceUnavailableException">This machine cannot give GPIO with these settings; the message says what to do.</exception>
    public static GpioDriverChoice Choose(GpioDriverKind kind, LibgpiodVersion version, int? chip, GpioMachine machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var anyLibgpiod = machine.LibgpiodV1 || machine.LibgpiodV2;
        switch (kind)
        {
            case GpioDriverKind.RaspberryPi:
                if (!machine.IsRaspberryPi)
                {
                    throw Unavailable($"Gpio:Driver raspberrypi needs a Raspberry Pi (this is {machine.Model ?? "no device-tree board"})", "set Gpio:Driver to libgpiod or auto");
                }

                if (machine.IsRaspberryPi5)
                {
                    throw Unavailable("Gpio:Driver raspberrypi cannot drive the Raspberry Pi 5's RP1", $"set Gpio:Driver to libgpiod (apt-get install libgpiod2)");
                }

                return new GpioDriverChoice(GpioDriverKind.RaspberryPi, LibgpiodVersion.Auto, 0);
            case GpioDriverKind.Auto when !anyLibgpiod && machine.IsRaspberryPi && !machine.IsRaspberryPi5:
                return new GpioDriverChoice(GpioDriverKind.RaspberryPi, LibgpiodVersion.Auto, 0);
            default:
                var resolved = version switch
                {
                    LibgpiodVersion.V1 when machine.LibgpiodV1 => LibgpiodVersion.V1,
                    LibgpiodVersion.V2 when machine.LibgpiodV2 => LibgpiodVersion.V2,
                    LibgpiodVersion.Auto when machine.LibgpiodV2 => LibgpiodVersion.V2,
                    LibgpiodVersion.Auto when machine.LibgpiodV1 => LibgpiodVersion.V1,
                    _ => throw Unavailable(
                        version switch
                        {
                            LibgpiodVersion.V1 => $"libgpiod v1 ({GpioMachine.LibgpiodV1Library}) is not installed",
                            LibgpiodVersion.V2 => $"libgpiod v2 ({GpioMachine.LibgpiodV2Library}) is not installed",
                            _ => $"libgpiod is not installed ({GpioMachine.LibgpiodV1Library} or {GpioMachine.LibgpiodV2Library})",
                        },
                        version == LibgpiodVersion.V2 ? "apt-get install libgpiod3, or set Gpio:LibgpiodVersion to auto" : "apt-get install libgpiod2"),
                };
                var header = chip ?? (machine.IsRaspberryPi5 && machine.Chips.Contains(4) ? 4 : 0);
                if (!machine.Chips.Contains(header))
                {
                    throw Unavailable(
                        $"there is no /dev/gpiochip{header}{(machine.Chips.Count > 0 ? $" (this machine has {string.Join(", ", machine.Chips.Select(c => $"gpiochip{c}"))})" : " (no GPIO chip at all)")}",
                        machine.Chips.Count > 0 ? "set Gpio:Chip to the header's chip" : "run the kiosk on its Raspberry Pi, or use kiosk run --simulate");
                }

                return new GpioDriverChoice(GpioDriverKind.Libgpiod, resolved, header);
        }
    }

    /// <summary>Opens the chosen driver.</summary>
    /// <exception cref="DeviceUnavailableException">The driver could not open its device.</exception>
    public GpioDriver Open()
    {
        try
        {
            return Kind == GpioDriverKind.RaspberryPi ? new RaspberryPi3Driver()
                : Version == LibgpiodVersion.V2 ? new LibGpiodV2Driver(Chip)
                : new LibGpiodDriver(Chip);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException or DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            throw Unavailable(
                $"{this} cannot be opened: {ex.Message.ReplaceLineEndings(" ")}",
                ex is UnauthorizedAccessException ? "run as a member of the gpio group" : "check Gpio:Driver and Gpio:Chip");
        }
    }

    /// <inheritdoc />
    public override string ToString() => Kind == GpioDriverKind.RaspberryPi ? "GPIO (raspberrypi driver, /dev/gpiomem)" : $"GPIO (libgpiod {Version.ToString().ToLowerInvariant()}, /dev/gpiochip{Chip})";

    private static DeviceUnavailableException Unavailable(string problem, string fix) => new("GPIO", problem, fix);
}
