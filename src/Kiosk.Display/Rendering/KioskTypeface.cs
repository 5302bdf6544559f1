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
}
