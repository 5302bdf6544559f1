using Kiosk.Display.Rendering;
using SkiaSharp;

namespace Kiosk.Display.Tests;

/// <summary>Layout scales with the frame and long text stays inside it.</summary>
public sealed class LayoutTests
{
    [Theory]
    [InlineData(800, 480)]
    [InlineData(1920, 1080)]
    [InlineData(1280, 720)]
    [InlineData(320, 240)]
    public void IconDiscAndStatusStripSitAtProportionalPlaces(int width, int height)
    {
        using var renderer = new ScreenRenderer(width, height);
        var frame = renderer.Render(ScreenSamples.Pass("王*明"));
        Assert.Equal(width, frame.Width);
        Assert.Equal(height, frame.Height);

        // The icon disc's edge (just inside its left rim, at mid-height) is the disc color at every size: dark on the
        // light PASS screen.
        var layout = renderer.Layout(ScreenSamples.Pass("王*明"));
        var icon = layout.IconBox;
        var rim = frame.GetPixel((int)(icon.Left + icon.Width * 0.06f), (int)icon.MidY);
        Assert.Equal(Palette.TextDark, rim);
        Assert.True(icon.Left > 0 && icon.Top >= layout.StripBox.Bottom && icon.Right < layout.TextBox.Left);
        Assert.Equal(Math.Min(width, height) / ScreenRenderer.DesignSide, layout.Unit, 3);

        // The status strip spans the top.
        Assert.Equal(Palette.StripBackground, frame.GetPixel(width / 2, 1));
    }

    [Fact]
    public void AScreenEqualByValueIsLaidOutOnceAndAnotherStripIsLaidOutAgain()
    {
        using var renderer = new ScreenRenderer(800, 480);
        var first = renderer.Layout(ScreenSamples.Pass("王*明"));

        // A new model with the same texts (new lists, as the presenter makes them) is the same screen.
        var again = ScreenSamples.Pass("王*明");
        Assert.Same(first, renderer.Layout(again with { Lines = again.Lines.ToList() }));

        var later = renderer.Layout(ScreenSamples.Pass("王*明") with { Status = ScreenSamples.Status with { LocalTime = ScreenSamples.Status.LocalTime.AddMinutes(1) } });
        Assert.NotSame(first, later);
        Assert.NotEqual(first.Runs[0].Text, later.Runs[0].Text);
        Assert.NotSame(first, renderer.Layout(ScreenSamples.Pass("李*")));
    }

    [Fact]
    public void AScreenDrawnAfterOthersHasThePixelsOfAFreshRenderer()
    {
        // Kept layouts and reused paints carry nothing from one screen to the next.
        var screens = ScreenSamples.Golden.Values.ToList();
        using var fresh = new ScreenRenderer(1080, 1920);
        var expected = screens.Select(s => fresh.Render(s).GetPixelSpan().ToArray()).ToList();
        using var used = new ScreenRenderer(1080, 1920);
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = screens.Count - 1; i >= 0; i--)
            {
                Assert.True(expected[i].AsSpan().SequenceEqual(used.Render(screens[i]).GetPixelSpan()), $"screen {i}, pass {pass}");
            }
        }
    }

    [Fact]
    public void LongDetailTextWrapsInsteadOfRunningOffTheScreen()
    {
        using var font = new SKFont(KioskTypeface.Default, 24);
        var lines = TextWrap.Wrap("没有健康码？请持有效身份证件联系工作人员 No code? Please see staff with a valid ID document", font, 300, words: false, out _).Select(l => l.Text).ToList();
        Assert.True(lines.Count >= 3);
        Assert.All(lines, l => Assert.True(font.MeasureText(l) <= 300 || !l.Contains(' '), $"line too wide: {l}"));
        Assert.DoesNotContain(lines, l => l.StartsWith('？'));
    }

    [Fact]
    public void StatusStripShowsConnectivityByShapeNotOnlyByWord()
    {
        using var renderer = new ScreenRenderer(800, 480);
        using var online = ImageCompare.Copy(renderer.Render(ScreenSamples.Idle()));
        using var offline = ImageCompare.Copy(renderer.Render(ScreenSamples.Idle() with { Status = ScreenSamples.Status with { Online = false } }));
        var (differing, _) = ImageCompare.Diff(online, offline);
        Assert.True(differing > 20);
    }
}
