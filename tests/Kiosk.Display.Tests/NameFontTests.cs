using Kiosk.Display.Rendering;
using SkiaSharp;

namespace Kiosk.Display.Tests;

/// <summary>
/// Every name a resident ID card can hold draws as itself, not as .notdef boxes: GB 18030 beyond GB 2312 level 1
/// (王喆, 陈堃, 龘), Extension A (刘䶮) and Extension B surnames (𠮷, 𡈼) come from the system's full CJK face
/// (<c>fonts-noto-cjk</c>, which the .deb depends on and .ci/run installs) through Skia's font fallback; the UI's
/// strings keep the shipped subset.
/// </summary>
public sealed class NameFontTests
{
    public static TheoryData<string> Names => new() { "王*喆", "陈*堃", "龘*", "刘*䶮", "𠮷*明", "𡈼*华", "欧阳*喆" };

    private static SKTypeface RequireSystemCjk() =>
        KioskTypeface.SystemCjk ?? throw new InvalidOperationException(
            $"no system CJK font: install it (apt-get install fonts-noto-cjk; Raspberry Pi OS and .ci/run do) so names outside the shipped subset draw ({KioskTypeface.SystemFamily})");

    [Fact]
    public void TheSystemHasAFullCjkFaceOfTheShippedDesign()
    {
        var face = RequireSystemCjk();
        Assert.Equal(KioskTypeface.SystemFamily, face.FamilyName);
        Assert.True(face.GlyphCount > 40000, $"only {face.GlyphCount} glyphs");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ANameOutsideTheShippedSubsetIsLaidOutWithAFaceThatHasEveryCharacter(string name)
    {
        RequireSystemCjk();
        using (var subset = new SKFont(KioskTypeface.Default))
        {
            Assert.False(subset.ContainsGlyphs(name), $"the subset already has every character of {name}: pick a rarer one");
        }

        using var renderer = new ScreenRenderer(800, 480);
        var layout = renderer.Layout(ScreenSamples.Pass(name));
        var run = Assert.Single(layout.Runs, r => r.Role == TextRole.Name);
        Assert.Equal(name, run.Text);
        using var font = new SKFont(run.Typeface);
        Assert.True(font.ContainsGlyphs(name), $"{name} drawn with {run.Typeface.FamilyName}, which lacks some of it");

        // Every character maps to a real glyph of that face (glyph 0 is .notdef, the box).
        Assert.DoesNotContain((ushort)0, font.GetGlyphs(name));
        Assert.True(run.Ink.Width > 0 && run.Ink.Height > run.Size * 0.5f);
    }

    [Fact]
    public void UiStringsAndNamesTheSubsetHasKeepTheShippedFace()
    {
        using var renderer = new ScreenRenderer(800, 480);
        var layout = renderer.Layout(ScreenSamples.Pass("王*明"));
        Assert.All(layout.Runs, r => Assert.Same(KioskTypeface.Default, r.Typeface));
    }

    [Fact]
    public void ACharacterNoFontHasStillDrawsWithoutThrowing()
    {
        // U+2A6A5 (Extension B, outside Noto Sans CJK): a box, never an exception.
        using var renderer = new ScreenRenderer(800, 480);
        var layout = renderer.Layout(ScreenSamples.Pass("\U0002A6A5*明"));
        Assert.Single(layout.Runs, r => r.Role == TextRole.Name);
        using var frame = ImageCompare.Copy(renderer.Render(ScreenSamples.Pass("\U0002A6A5*明")));
        Assert.Equal(800, frame.Width);
    }
}
