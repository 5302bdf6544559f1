namespace Kiosk.Drivers.Gpio;

/// <summary>Which System.Device.Gpio driver drives the header pins (<c>Gpio:Driver</c>).</summary>
public enum GpioDriverKind
{
    /// <summary>libgpiod when it is installed, else the Raspberry Pi's register driver on a Pi 3/4 (see <see cref="GpioDriverChoice"/>).</summary>
    Auto,

    /// <summary><c>RaspberryPi3Driver</c>: the BCM283x registers through <c>/dev/gpiomem</c>; not the Pi 5's RP1.</summary>
    RaspberryPi,

    /// <summary>The character device <c>/dev/gpiochipN</c> through libgpiod (v1 or v2): every Pi, the Pi 5 included.</summary>
    Libgpiod,
}
