using Kiosk.Display.Rendering;
using SkiaSharp;

namespace Kiosk.Display.Tests;

/// <summary>
/// Every screen at 800×480 against the committed reference PNGs in <c>golden/</c>.
/// Regenerate after an intended change: <c>UPDATE_GOLDEN=1 dotnet test tests/Kiosk.Display.Tests --filter GoldenImageTests</c>
/// (writes into the source folder), look at the PNGs, commit them.
/// </summary>
public sealed class GoldenImageTests
{
    /// <summary>At most this share of pixels may differ by more than the channel threshold (font rasteriser / CPU differences).</summary>
    private const double MaxDifferingShare = 0.005;

    public static TheoryData<string> Names => new(ScreenSamples.Golden.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void ScreenMatchesItsGoldenImage(string name)
    {
        using var renderer = new ScreenRenderer(800, 480);
        var frame = renderer.Render(ScreenSamples.Golden[name]);

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            var dir = Path.Combine(SourceDirectory(), "golden");
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, $"{name}.png"), renderer.RenderPng(ScreenSamples.Golden[name]));
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, "golden", $"{name}.png");
        Assert.True(File.Exists(path), $"golden image {name}.png is missing: run with UPDATE_GOLDEN=1 to create it");
        using var golden = SKBitmap.Decode(path);
        using var expected = new SKBitmap(new SKImageInfo(golden.Width, golden.Height, SKColorType.Bgra8888, SKAlphaType.Opaque));
        Assert.True(golden.CopyTo(expected, SKColorType.Bgra8888));

        var (differing, meanAbs) = ImageCompare.Diff(frame, expected);
        Assert.True(differing <= MaxDifferingShare * 800 * 480, $"{name}: {differing} pixels differ (mean abs {meanAbs:F2}); if intended, regenerate with UPDATE_GOLDEN=1");
        Assert.True(meanAbs < 1.5, $"{name}: mean abs difference {meanAbs:F2}");
    }

    [Fact]
    public void EveryScreenIsDistinctFromEveryOther()
    {
        using var renderer = new ScreenRenderer(800, 480);
        var frames = ScreenSamples.Golden.ToDictionary(kv => kv.Key, kv => ImageCompare.Copy(renderer.Render(kv.Value)));
        try
        {
            var names = frames.Keys.ToArray();
            for (var i = 0; i < names.Length; i++)
            {
                for (var j = i + 1; j < names.Length; j++)
                {
                    var (differing, _) = ImageCompare.Diff(frames[names[i]], frames[names[j]]);
                    Assert.True(differing > 800 * 480 * 0.01, $"{names[i]} and {names[j]} look alike ({differing} pixels differ)");
                }
            }
        }
        finally
        {
            foreach (var f in frames.Values)
            {
                f.Dispose();
            }
        }
    }

    [Fact]
    public void PassAndReferDifferInTheIconAreaEvenInGreyscale()
    {
        // Not by color alone: compare luminance only, inside the icon disc.
        using var renderer = new ScreenRenderer(800, 480);
        using var pass = ImageCompare.Copy(renderer.Render(ScreenSamples.Golden["pass"]));
        using var refer = ImageCompare.Copy(renderer.Render(ScreenSamples.Golden["refer"]));
        var differing = 0;
        for (var y = 150; y < 370; y++)
        {
            for (var x = 36; x < 244; x++)
            {
                if (Math.Abs(Luma(pass.GetPixel(x, y)) - Luma(refer.GetPixel(x, y))) > 80)
                {
                    differing++;
                }
            }
        }

        Assert.True(differing > 3000, $"icons differ in only {differing} pixels of luminance");
    }

    private static double Luma(SKColor c) => 0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue;

    private static string SourceDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kiosk.Display.Tests.csproj")))
            {
                return dir.FullName;
            }

            var nested = Path.Combine(dir.FullName, "tests", "Kiosk.Display.Tests");
            if (File.Exists(Path.Combine(nested, "Kiosk.Display.Tests.csproj")))
            {
                return nested;
            }
        }

        throw new DirectoryNotFoundException("tests/Kiosk.Display.Tests not found above the test output folder");
    }
}
