using SkiaSharp;

namespace Kiosk.Display.Rendering;

/// <summary>What a run of text is on the screen.</summary>
public enum TextRole
{
    /// <summary>The headline (bold, the largest).</summary>
    Headline,

    /// <summary>The holder's masked name (bold).</summary>
    Name,

    /// <summary>A line of body text.</summary>
    Body,

    /// <summary>A hint, in the secondary text color.</summary>
    Hint,

    /// <summary>The 代 note under the name.</summary>
    Note,

    /// <summary>The technical detail (offline, fault).</summary>
    Detail,

    /// <summary>A text of the status strip.</summary>
    Strip,

    /// <summary>The 代 mark in its box.</summary>
    Badge,
}

/// <summary>
/// One line of text as laid out: what it says, where its ink is, at what size. <see cref="Source"/> and
/// <see cref="Start"/> say which part of which string it is, so a test can check where a string was broken.
/// </summary>
/// <param name="Text">What the line draws.</param>
/// <param name="Role">What it is.</param>
/// <param name="Language">Chinese or English (a name or a detail: <see cref="ScreenLanguage.Both"/>).</param>
/// <param name="Size">Font size in pixels.</param>
/// <param name="Bold">Drawn bold.</param>
/// <param name="X">Left end of the text's advance (left-aligned) in pixels.</param>
/// <param name="Baseline">Baseline in pixels.</param>
/// <param name="Ink">The ink's bounds (measured glyph bounds), in frame pixels.</param>
/// <param name="Source">The string the line was cut from.</param>
/// <param name="Start">Where in <paramref name="Source"/> the line starts (spaces at a break are dropped).</param>
/// <param name="Color">Its color.</param>
/// <param name="Background">The color behind it.</param>
public sealed record TextRun(
    string Text,
    TextRole Role,
    ScreenLanguage Language,
    float Size,
    bool Bold,
    float X,
    float Baseline,
    SKRect Ink,
    string Source,
    int Start,
    SKColor Color,
    SKColor Background);

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
