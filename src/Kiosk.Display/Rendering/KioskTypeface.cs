using SkiaSharp;

namespace Kiosk.Display.Rendering;

/// <summary>
/// The one typeface every screen uses: a subset of Noto Sans CJK SC shipped as an embedded resource
/// (Fonts/NotoSansCJKsc-Kiosk.otf, OFL). Skia does not fall back to a CJK face by itself, and the
/// kiosk image has no system fonts, so the screens never ask the system for a face.
/// </summary>
public static class KioskTypeface
{
    /// <summary>Manifest name of the embedded font.</summary>
    public const string ResourceName = "Kiosk.Display.Fonts.NotoSansCJKsc-Kiosk.otf";

    private static readonly Lazy<SKTypeface> Shared = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared typeface (loaded once; do not dispose).</summary>
    public static SKTypeface Default => Shared.Value;

    /// <summary>Loads a new typeface from the embedded resource (the caller owns it).</summary>
    public static SKTypeface Load()
    {
        using var resource = typeof(KioskTypeface).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded font {ResourceName} is missing from {typeof(KioskTypeface).Assembly.GetName().Name}");
        var copy = new MemoryStream(checked((int)resource.Length));
        resource.CopyTo(copy);
        copy.Position = 0;

        // SKTypeface.FromStream takes ownership of the stream.
        return SKTypeface.FromStream(copy)
            ?? throw new InvalidOperationException($"embedded font {ResourceName} could not be read");
    }

    /// <summary>True when the typeface has a glyph for every character of <paramref name="text"/>.</summary>
    public static bool HasGlyphs(string text)
    {
        using var font = new SKFont(Default);
        return font.ContainsGlyphs(text);
    }

    /// <summary>The family the kiosk asks the system for when a name needs it (Raspberry Pi OS: <c>fonts-noto-cjk</c>).</summary>
    public const string SystemFamily = "Noto Sans CJK SC";

    private static readonly Lazy<SKTypeface?> SystemFace = new(FindSystem, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The system's full CJK face (every character of GB 18030 a resident ID card can hold, Extension B surnames
    /// included), or null when none is installed (the kiosk then draws such a character as the subset's .notdef box).
    /// </summary>
    public static SKTypeface? SystemCjk => SystemFace.Value;

    /// <summary>
    /// The face to draw <paramref name="text"/> (a name from a code or a card) with: the shipped subset when it has
    /// every character (the UI's look), else the system's full CJK face through Skia's font fallback (the same
    /// design, Noto Sans CJK), else a face the system matches to the first missing character; the subset when none
    /// has them all. Never throws.
    /// </summary>
    public static SKTypeface ForText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Covers(Default, text))
        {
            return Default;
        }

        if (SystemCjk is { } cjk && Covers(cjk, text))
        {
            return cjk;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (Covers(Default, rune.ToString()))
            {
                continue;
            }

            var matched = SKFontManager.Default.MatchCharacter(null, SKFontStyle.Normal, ["zh-Hans", "zh-CN", "zh"], rune.Value);
            if (matched is not null && Covers(matched, text))
            {
                return matched;
            }

            break;
        }

        return SystemCjk ?? Default;
    }

    private static bool Covers(SKTypeface face, string text)
    {
        using var font = new SKFont(face);
        return font.ContainsGlyphs(text);
    }

    private static SKTypeface? FindSystem()
    {
        try
        {
            var face = SKFontManager.Default.MatchFamily(SystemFamily, SKFontStyle.Normal);
            if (face is not null && face.FamilyName == SystemFamily)
            {
                return face;
            }

            // Skia's fallback: whatever face the system's fonts give a Chinese character (the NoDependencies build's
            // font manager scans /usr/share/fonts; no fontconfig).
            return SKFontManager.Default.MatchCharacter(null, SKFontStyle.Normal, ["zh-Hans", "zh-CN", "zh"], '\u4E2D');
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }
}
