using SkiaSharp;

namespace Kiosk.Display.Rendering;

/// <summary>
/// A screen laid out on a panel, before it is drawn: the strip, the icon, every text run with its ink bounds. The
/// renderer draws exactly this; tests check it (nothing clipped, overlapping or off the panel; headlines on one line
/// where the width allows; UI strings broken only between words).
/// </summary>
/// <param name="Width">Frame width.</param>
/// <param name="Height">Frame height.</param>
/// <param name="Portrait">The portrait arrangement (icon above the text) rather than landscape (icon left of it).</param>
/// <param name="Unit">Pixels per unit of the design (1 on the 800×480 panel: sizes scale with the shorter side).</param>
/// <param name="StripBox">The status strip.</param>
/// <param name="IconBox">The icon.</param>
/// <param name="TextBox">Where the text block may go.</param>
/// <param name="Background">The screen's background.</param>
/// <param name="Runs">Every text, the strip's included.</param>
/// <param name="Shapes">Other drawn boxes that text must not overlap (the 代 box, the strip's dot).</param>
/// <param name="Fitted">The text block fits at sizes no smaller than the design's minimum (false: it was shrunk further to fit).</param>
public sealed record ScreenLayout(
    int Width,
    int Height,
    bool Portrait,
    float Unit,
    SKRect StripBox,
    SKRect IconBox,
    SKRect TextBox,
    SKColor Background,
    IReadOnlyList<TextRun> Runs,
    IReadOnlyList<SKRect> Shapes,
    bool Fitted);
