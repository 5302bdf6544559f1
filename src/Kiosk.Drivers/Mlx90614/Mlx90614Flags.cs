namespace Kiosk.Drivers.Mlx90614;

/// <summary>Bits of the flags word read with <see cref="Mlx90614Command.ReadFlags"/>.</summary>
[Flags]
public enum Mlx90614Flags : ushort
{
    /// <summary>No flag set.</summary>
    None = 0,

    /// <summary>POR initialisation routine still running (active low on the chip; set here while initialising).</summary>
    Init = 1 << 4,

    /// <summary>EEPROM double error.</summary>
    EeDead = 1 << 5,

    /// <summary>The previous EEPROM write or erase is still in progress.</summary>
    EeBusy = 1 << 7,
}
