using System.Text;
using Kiosk.Display.Rendering;
using SkiaSharp;

namespace Kiosk.Display.Tests;

/// <summary>The shipped CJK typeface: present, covering the UI and common names, drawing real glyphs (no tofu).</summary>
public sealed class FontTests
{
    [Fact]
    public void TypefaceLoadsFromTheEmbeddedResource()
    {
        using var typeface = KioskTypeface.Load();
        Assert.Contains("Noto Sans CJK SC", typeface.FamilyName, StringComparison.Ordinal);
        Assert.True(typeface.GlyphCount > 3700, $"only {typeface.GlyphCount} glyphs");
    }

    [Fact]
    public void TypefaceHasEveryGlyphTheScreensUse()
    {
        using var font = new SKFont(KioskTypeface.Default);
        foreach (var text in NoColorTests.AllScreenStrings().Append("代*0123456789:-. ·"))
        {
            var glyphs = font.GetGlyphs(text);
            var missing = text.Where((c, i) => !char.IsSurrogate(c) && glyphs[i] == 0).ToArray();
            Assert.True(font.ContainsGlyphs(text), $"missing glyphs for '{new string(missing)}' in \"{text}\"");
        }
    }

    [Fact]
    public void TypefaceCoversPrintableAsciiAndGb2312Level1()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gb2312 = Encoding.GetEncoding("gb2312");
        var level1 = new StringBuilder();
        for (var hi = 0xB0; hi <= 0xD7; hi++)
        {
            for (var lo = 0xA1; lo <= 0xFE; lo++)
            {
                var s = gb2312.GetString([(byte)hi, (byte)lo]);
                if (s.Length == 1 && s[0] is >= '\u4E00' and <= '\u9FFF')
                {
                    level1.Append(s);
                }
            }
        }

        Assert.Equal(3755, level1.Length);
        using var font = new SKFont(KioskTypeface.Default);
        Assert.True(font.ContainsGlyphs(level1.ToString()));
        Assert.True(font.ContainsGlyphs(string.Concat(Enumerable.Range(0x20, 0x5F).Select(c => (char)c))));
        Assert.True(font.ContainsGlyphs("王*明欧阳*华"));
    }

    [Fact]
    public void ChineseGlyphsDrawDistinctInkNotTofuBoxes()
    {
        using var font = new SKFont(KioskTypeface.Default, 64);
        using var a = DrawGlyph(font, "请");
        using var b = DrawGlyph(font, "通");
        var inkA = Ink(a);
        Assert.True(inkA > 200, $"'请' drew only {inkA} ink pixels");
        Assert.True(Ink(b) > 200);

        var (differing, _) = ImageCompare.Diff(a, b, 100);
        Assert.True(differing > 150, "two different hanzi render the same shape (tofu?)");
    }

    [Fact]
    public void ACharacterOutsideTheSubsetRendersWithoutCrashing()
    {
        const string rare = "\U0002A6A5*明"; // outside GB 2312 and the subset
        using var font = new SKFont(KioskTypeface.Default);
        Assert.False(font.ContainsGlyphs(rare));

        using var renderer = new ScreenRenderer(800, 480);
        var frame = renderer.Render(ScreenSamples.Pass(rare, proxy: true));
        Assert.Equal(800, frame.Width);
    }

    private static SKBitmap DrawGlyph(SKFont font, string text)
    {
        var bitmap = new SKBitmap(new SKImageInfo(96, 96, SKColorType.Bgra8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(text, 16, 72, SKTextAlign.Left, font, paint);
        return bitmap;
    }

    private static int Ink(SKBitmap bitmap)
    {
        var ink = 0;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                if (bitmap.GetPixel(x, y).Red < 128)
                {
                    ink++;
                }
            }
        }

        return ink;
    }
}
