namespace Kiosk.Drivers.Gpio;

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
