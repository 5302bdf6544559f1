using System.ComponentModel.DataAnnotations;

namespace Kiosk.Devices.Screen;

/// <summary>An ILI9341 SPI panel: bus, chip select, clock and the GPIO lines the controller needs.</summary>
public sealed class SpiPanelOptions
{
    /// <summary>SPI bus (<c>/dev/spidev{BusId}.{ChipSelect}</c>).</summary>
    [Range(0, 15)]
    public int BusId { get; set; }

    /// <summary>Chip select line.</summary>
    [Range(0, 15)]
    public int ChipSelect { get; set; }

    /// <summary>SPI clock in Hz (the ILI9341 is specified to 10 MHz write cycles; most modules run at 12-32 MHz).</summary>
    [Range(100_000, 80_000_000)]
    public int ClockHz { get; set; } = 12_000_000;

    /// <summary>GPIO of the D/C (data/command) line.</summary>
    [Range(0, 127)]
    public int DataCommandPin { get; set; } = 25;

    /// <summary>GPIO of the reset line; -1 = not connected.</summary>
    [Range(-1, 127)]
    public int ResetPin { get; set; } = 24;

    /// <summary>GPIO of the backlight; -1 = not connected.</summary>
    [Range(-1, 127)]
    public int BacklightPin { get; set; } = -1;

    /// <summary>Clockwise rotation of the picture on the portrait panel (90 = landscape).</summary>
    public int Rotation { get; set; } = 90;
}
