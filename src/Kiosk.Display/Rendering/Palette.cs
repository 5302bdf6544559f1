using SkiaSharp;

namespace Kiosk.Display.Rendering;

/// <summary>
/// The screens' colors: neutral blues, greys, white and black only. No green, yellow or red hue appears on any
/// screen, so nothing on the display can be read as a health color; PASS and REFER differ by icon, text and sound.
/// </summary>
public static class Palette
{
    /// <summary>Status strip background.</summary>
    public static readonly SKColor StripBackground = new(0x0B, 0x0D, 0x10);

    /// <summary>Status strip text.</summary>
    public static readonly SKColor StripText = new(0xC9, 0xCF, 0xD6);

    /// <summary>Main text on every screen.</summary>
    public static readonly SKColor Text = SKColors.White;

    /// <summary>Secondary text.</summary>
    public static readonly SKColor TextSecondary = new(0xE6, 0xEC, 0xF2);

    /// <summary>The icon disc.</summary>
    public static readonly SKColor IconDisc = new(0xEE, 0xF2, 0xF7);

    /// <summary>The background of a tone.</summary>
    public static SKColor Background(ScreenTone tone) => tone switch
    {
        // The waiting screens (idle, measuring, place card): a mid blue, white text 5.6:1.
        ScreenTone.Blue => new SKColor(0x38, 0x6A, 0xA0),
        ScreenTone.SteelBlue => new SKColor(0x3A, 0x6B, 0xA3),

        // PASS: light, dark text; 4.6:1 against the waiting blue, 14:1 against REFER.
        ScreenTone.PaleBlue => new SKColor(0xE0, 0xEA, 0xF5),

        // REFER: near black; 3.2:1 against the waiting blue.
        ScreenTone.Ink => new SKColor(0x14, 0x17, 0x1B),
        ScreenTone.Grey => new SKColor(0x2A, 0x2D, 0x31),
        _ => new SKColor(0x1E, 0x21, 0x26), // near black
    };

    /// <summary>The text color on <paramref name="background"/>: white on the dark screens, near-black on a light one.</summary>
    public static SKColor TextOn(SKColor background) => IsLight(background) ? TextDark : Text;

    /// <summary>The secondary text color (hints, notes, details) on <paramref name="background"/>.</summary>
    public static SKColor SecondaryOn(SKColor background) => IsLight(background) ? TextDarkSecondary : TextSecondary;

    /// <summary>Text on a light background.</summary>
    public static readonly SKColor TextDark = new(0x0A, 0x12, 0x1E);

    /// <summary>Secondary text on a light background.</summary>
    public static readonly SKColor TextDarkSecondary = new(0x1F, 0x2C, 0x3D);

    /// <summary>A background light enough for dark text (relative luminance above 0.4).</summary>
    public static bool IsLight(SKColor background) => Contrast.Luminance(background) > 0.4;
}
