using SkiaSharp;

namespace Kiosk.Display.Rendering;

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
/// <param name="Typeface">The face it is drawn with (the shipped subset, or the system's full CJK face for a name).</param>
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
    SKColor Background,
    SKTypeface Typeface);
