using Kiosk.Devices.Screen;
using Kiosk.Display;
using Kiosk.Display.Rendering;
using SkiaSharp;

namespace Kiosk.Service.Tests.Screen;

/// <summary>
/// Every screen the kiosk can show, on every panel people buy (portrait 600×1024, 800×1280, 1080×1920; landscape
/// 800×480, 1024×600, 1280×800, 1920×1080), in zh, en and both, checked from the text layout itself, not by eye: no
/// text clipped, overlapping another or the icon, or off the panel; headlines on one line where the width allows;
/// the UI's Chinese broken only between words; sizes no smaller than the design's minimum.
/// </summary>
public sealed class PanelLayoutTests
{
    public static TheoryData<int, int, ScreenLanguage> Panels()
    {
        var data = new TheoryData<int, int, ScreenLanguage>();
        foreach (var panel in PanelSize.Common)
        {
            foreach (var language in Enum.GetValues<ScreenLanguage>())
            {
                data.Add(panel.Width, panel.Height, language);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Panels))]
    public void EveryScreenFitsThePanelWithNoTextClippedOverlappingOrOffThePanel(int width, int height, ScreenLanguage language)
    {
        using var renderer = new ScreenRenderer(width, height);
        Assert.Equal(height > width, renderer.Portrait);
        foreach (var (name, model) in ScreenGallery.All(language))
        {
            var layout = renderer.Layout(model);
            var where = $"{name} at {width}x{height} ({language})";
            Assert.True(layout.Fitted, $"{where}: the text only fits below its minimum sizes");
            var panel = new SKRect(0, 0, width, height);
            foreach (var run in layout.Runs)
            {
                Assert.True(panel.Contains(run.Ink), $"{where}: '{run.Text}' leaves the panel ({run.Ink})");
                if (run.Role == TextRole.Strip)
                {
                    Assert.True(layout.StripBox.Contains(run.Ink), $"{where}: strip text '{run.Text}' is clipped by the strip ({run.Ink} in {layout.StripBox})");
                }
                else
                {
                    Assert.True(Inside(layout.TextBox, run.Ink), $"{where}: '{run.Text}' is clipped by the text area ({run.Ink} in {layout.TextBox})");
                    Assert.False(run.Ink.IntersectsWith(layout.IconBox), $"{where}: '{run.Text}' overlaps the icon");
                }
            }

            for (var i = 0; i < layout.Runs.Count; i++)
            {
                for (var j = i + 1; j < layout.Runs.Count; j++)
                {
                    var a = layout.Runs[i];
                    var b = layout.Runs[j];
                    Assert.False(a.Ink.IntersectsWith(b.Ink), $"{where}: '{a.Text}' ({a.Ink}) overlaps '{b.Text}' ({b.Ink})");
                }

                foreach (var shape in layout.Shapes)
                {
                    var run = layout.Runs[i];
                    if (run.Role == TextRole.Badge)
                    {
                        continue;
                    }

                    Assert.False(run.Ink.IntersectsWith(shape), $"{where}: '{run.Text}' overlaps a drawn mark at {shape}");
                }
            }

            Assert.True(panel.Contains(layout.IconBox) && !layout.IconBox.IntersectsWith(layout.StripBox), $"{where}: the icon is clipped");
        }
    }

    [Theory]
    [MemberData(nameof(Panels))]
    public void HeadlinesStayOnOneLineWhereTheWidthAllowsAndChineseBreaksOnlyBetweenWords(int width, int height, ScreenLanguage language)
    {
        using var renderer = new ScreenRenderer(width, height);
        using var font = new SKFont(KioskTypeface.Default);
        foreach (var (name, model) in ScreenGallery.All(language))
        {
            var layout = renderer.Layout(model);
            var where = $"{name} at {width}x{height} ({language})";
            foreach (var headline in layout.Runs.Where(r => r.Role == TextRole.Headline).GroupBy(r => (r.Source, r.Language)))
            {
                var lines = headline.ToList();
                if (lines.Count > 1)
                {
                    font.Size = lines[0].Size;
                    font.Embolden = true;
                    Assert.True(
                        font.MeasureText(headline.Key.Source) > layout.TextBox.Width,
                        $"{where}: headline '{headline.Key.Source}' wraps over {lines.Count} lines though it fits one at {lines[0].Size:0} px");
                }
            }

            foreach (var run in layout.Runs.Where(r => r.Language == ScreenLanguage.Chinese && r.Role is TextRole.Headline or TextRole.Body or TextRole.Hint or TextRole.Note && r.Start > 0))
            {
                Assert.True(BreaksBetweenWords(run.Source, run.Start), $"{where}: '{run.Source}' is broken inside a word before '{run.Source[run.Start..]}'");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Panels))]
    public void TextIsNeverSmallerThanTheDesignMinimumAndEnglishNeverBelowFourFifthsOfTheChinese(int width, int height, ScreenLanguage language)
    {
        using var renderer = new ScreenRenderer(width, height);
        foreach (var (name, model) in ScreenGallery.All(language))
        {
            var layout = renderer.Layout(model);
            var where = $"{name} at {width}x{height} ({language})";
            foreach (var run in layout.Runs.Where(r => r.Role is not TextRole.Strip and not TextRole.Badge))
            {
                Assert.True(run.Size >= ScreenRenderer.MinTextSize * layout.Unit - 0.01f, $"{where}: '{run.Text}' at {run.Size:0.0} px is below {ScreenRenderer.MinTextSize * layout.Unit:0.0} px");
            }

            if (language == ScreenLanguage.Both)
            {
                foreach (var role in new[] { TextRole.Headline, TextRole.Body, TextRole.Hint })
                {
                    var zh = layout.Runs.Where(r => r.Role == role && r.Language == ScreenLanguage.Chinese).Select(r => r.Size).DefaultIfEmpty().Max();
                    foreach (var en in layout.Runs.Where(r => r.Role == role && r.Language == ScreenLanguage.English))
                    {
                        Assert.True(en.Size >= zh * ScreenRenderer.EnglishToChinese - 0.01f, $"{where}: '{en.Text}' at {en.Size:0.0} px is below 0.8 × the Chinese {zh:0.0} px");
                    }
                }
            }
        }
    }

    [Fact]
    public void OnThe800x480PanelSecondaryAndEnglishLinesAreAtLeast24Px()
    {
        using var renderer = new ScreenRenderer(800, 480);
        foreach (var (name, model) in ScreenGallery.All(ScreenLanguage.Both))
        {
            var layout = renderer.Layout(model);
            Assert.All(
                layout.Runs.Where(r => r.Language == ScreenLanguage.English && r.Role != TextRole.Strip || r.Role is TextRole.Hint or TextRole.Note or TextRole.Detail),
                r => Assert.True(r.Size >= 24f, $"{name}: '{r.Text}' at {r.Size:0.0} px"));
        }
    }

    [Fact]
    public void ThePanelsShapeChoosesTheArrangementIconAboveTheTextOnPortraitLeftOfItOnLandscape()
    {
        var model = ScreenGallery.All(ScreenLanguage.Both)[0].Model;
        using (var portrait = new ScreenRenderer(800, 1280))
        {
            var layout = portrait.Layout(model);
            Assert.True(layout.Portrait);
            Assert.True(layout.IconBox.Bottom <= layout.TextBox.Top);
        }

        using var landscape = new ScreenRenderer(800, 480);
        var wide = landscape.Layout(model);
        Assert.False(wide.Portrait);
        Assert.True(wide.IconBox.Right <= wide.TextBox.Left);
    }

    /// <summary>
    /// Writes the contact sheets of docs/ (portrait and landscape panels, zh, en and both) when UPDATE_CONTACT_SHEETS=1;
    /// otherwise checks that each one is there.
    /// </summary>
    [Fact]
    public void TheContactSheetsOfEveryPanelAndLanguageAreInDocs()
    {
        var docs = Path.Combine(RepositoryRoot(), "docs", "screens");
        var update = Environment.GetEnvironmentVariable("UPDATE_CONTACT_SHEETS") == "1";
        foreach (var panel in PanelSize.Common)
        {
            foreach (var (language, tag) in new[] { (ScreenLanguage.Both, "both"), (ScreenLanguage.Chinese, "zh"), (ScreenLanguage.English, "en") })
            {
                var file = Path.Combine(docs, $"sheet-{panel}-{tag}.png");
                if (update)
                {
                    Directory.CreateDirectory(docs);
                    var screens = ScreenGallery.All(language);
                    File.WriteAllBytes(file, ContactSheet.RenderPng(screens, panel, columns: panel.Portrait ? 8 : 5, cellWidth: panel.Portrait ? 220 : 340));
                }

                Assert.True(File.Exists(file), $"{file} is missing: UPDATE_CONTACT_SHEETS=1 dotnet test tests/Kiosk.Service.Tests --filter TheContactSheetsOfEveryPanelAndLanguageAreInDocs");
                using var sheet = SKBitmap.Decode(file);
                Assert.NotNull(sheet);
            }
        }
    }

    /// <summary>A line of a UI string may start here: after CJK punctuation, at a space, before 请, between Chinese and Latin.</summary>
    private static bool BreaksBetweenWords(string text, int start)
    {
        var before = text[start - 1];
        var after = text[start];
        return "，。：；？！、）》”…".Contains(before, StringComparison.Ordinal)
            || before == ' ' || after == ' '
            || after == '请'
            || (before < '\u2E80') != (after < '\u2E80');
    }

    private static bool Inside(SKRect outer, SKRect inner) =>
        inner.Left >= outer.Left - 0.5f && inner.Right <= outer.Right + 0.5f && inner.Top >= outer.Top - 0.5f && inner.Bottom <= outer.Bottom + 0.5f;

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HealthCode.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
