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

/// <summary>The libgpiod API generation (<c>Gpio:LibgpiodVersion</c>): v1 is <c>libgpiod.so.2</c> (Bookworm's <c>libgpiod2</c>), v2 is <c>libgpiod.so.3</c>.</summary>
public enum LibgpiodVersion
{
    /// <summary>v2 when its library loads, else v1.</summary>
    Auto,

    /// <summary>libgpiod 1.x.</summary>
    V1,

    /// <summary>libgpiod 2.x.</summary>
    V2,
}
