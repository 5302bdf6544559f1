using System.Reflection;
using System.Text.RegularExpressions;
using Kiosk.Display.Rendering;
using SkiaSharp;

namespace Kiosk.Display.Tests;

/// <summary>
/// The screen never shows a color (checkpoint-policy.md): no color words, no green/yellow/red hues. The words of the
/// kiosk's prompts are checked where they live (Kiosk.Core's PromptTable: tests/Kiosk.Service.Tests, PromptTableTests).
/// </summary>
public sealed partial class NoColorTests
{
    [GeneratedRegex("绿|黄|红|green|yellow|red", RegexOptions.IgnoreCase)]
    private static partial Regex ColorWord();

    public static IEnumerable<string> AllScreenStrings()
    {
        foreach (var field in typeof(ScreenText).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.GetValue(null) is Bilingual b)
            {
                yield return b.Zh;
                yield return b.En;
            }
        }

        foreach (var text in ScreenSamples.Strings())
        {
            yield return text;
        }
    }

    [Fact]
    public void NoScreenStringNamesAColor()
    {
        var strings = AllScreenStrings().ToList();
        Assert.True(strings.Count > 30);

        // Substring match on purpose: "expired" or "registered" would contain "red", so the UI avoids them too.
        var offenders = strings.Where(s => ColorWord().IsMatch(s)).ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void NoScreenShowsAGreenYellowOrRedHue()
    {
        using var renderer = new ScreenRenderer(800, 480);
        var checkedScreens = 0;
        foreach (var model in ScreenSamples.All())
        {
            var frame = renderer.Render(model);
            var (count, example) = CountHealthHues(frame);
            Assert.True(count == 0, $"{model.Icon}/{model.Tone}/{model.Headline.Text.En}/{model.Language}: {count} pixels with a health-color hue, e.g. {example}");
            checkedScreens++;
        }

        Assert.True(checkedScreens >= 40);
    }

    [Fact]
    public void TheHueCheckDoesCatchARedAndAGreenPixel()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(4, 1, SKColorType.Bgra8888, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(0x12, 0x2A, 0x47));
        bitmap.SetPixel(1, 0, new SKColor(200, 40, 40));
        bitmap.SetPixel(2, 0, new SKColor(40, 180, 60));
        bitmap.SetPixel(3, 0, new SKColor(220, 200, 40));
        Assert.Equal(3, CountHealthHues(bitmap).Count);
    }

    internal static (int Count, string? Example) CountHealthHues(SKBitmap frame) => ImageCompare.CountHealthHues(frame);
}
