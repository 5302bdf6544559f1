using SkiaSharp;

namespace Kiosk.Display.Rendering;

/// <summary>WCAG 2 relative luminance and contrast ratio (sRGB), for the palette's rules and its tests.</summary>
public static class Contrast
{
    /// <summary>Relative luminance of <paramref name="color"/>: 0 (black) .. 1 (white).</summary>
    public static double Luminance(SKColor color) =>
        0.2126 * Linear(color.Red) + 0.7152 * Linear(color.Green) + 0.0722 * Linear(color.Blue);

    /// <summary>Contrast ratio between two colors, 1 .. 21, the lighter over the darker.</summary>
    public static double Ratio(SKColor a, SKColor b)
    {
        var la = Luminance(a);
        var lb = Luminance(b);
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    private static double Linear(byte channel)
    {
        var c = channel / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
    }
}
