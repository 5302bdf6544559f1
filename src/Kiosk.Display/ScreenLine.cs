namespace Kiosk.Display;

/// <summary>
/// A line of a screen's text block in both languages (the Chinese above the English), before wrapping. Sizes are
/// fractions of the frame's shorter side, so the layout scales with the panel; the block shrinks as a whole when it does not
/// fit.
/// </summary>
/// <param name="Text">What the line says.</param>
/// <param name="ZhSize">Size of the Chinese text.</param>
/// <param name="EnSize">Size of the English text.</param>
/// <param name="Bold">Drawn bold (headlines).</param>
/// <param name="Secondary">Drawn in the secondary text color (hints).</param>
/// <param name="GapBefore">Space above the line.</param>
public sealed record ScreenLine(Bilingual Text, float ZhSize, float EnSize, bool Bold = false, bool Secondary = false, float GapBefore = 0)
{
    /// <summary>Chinese headline size at scale 1.</summary>
    public const float HeadlineZh = 0.135f;

    /// <summary>English headline size at scale 1.</summary>
    public const float HeadlineEn = 0.108f;

    /// <summary>Chinese body size at scale 1.</summary>
    public const float BodyZh = 0.064f;

    /// <summary>English body size at scale 1.</summary>
    public const float BodyEn = 0.054f;

    /// <summary>A bold headline, its languages scaled from the headline sizes.</summary>
    public static ScreenLine Headline(Bilingual text, float zhScale = 1, float enScale = 1) =>
        new(text, HeadlineZh * zhScale, HeadlineEn * enScale, Bold: true);

    /// <summary>A line of body text, <paramref name="gapBefore"/> below the line above it.</summary>
    public static ScreenLine Body(Bilingual text, float gapBefore, float scale = 1) =>
        new(text, BodyZh * scale, BodyEn * scale, GapBefore: gapBefore);

    /// <summary>A smaller line in the secondary color, <paramref name="gapBefore"/> below the line above it.</summary>
    public static ScreenLine Hint(Bilingual text, float gapBefore) =>
        new(text, BodyZh * 0.9f, 0.05f, Secondary: true, GapBefore: gapBefore);
}
