using SkiaSharp;

namespace Kiosk.Display.Tests;

/// <summary>Pixel comparisons for golden images.</summary>
internal static class ImageCompare
{
    /// <summary>Pixels whose largest channel difference exceeds <paramref name="threshold"/>, and the mean absolute channel difference.</summary>
    public static (int Differing, double MeanAbs) Diff(SKBitmap a, SKBitmap b, int threshold = 40)
    {
        Assert.Equal(a.Width, b.Width);
        Assert.Equal(a.Height, b.Height);
        var differing = 0;
        double total = 0;
        for (var y = 0; y < a.Height; y++)
        {
            for (var x = 0; x < a.Width; x++)
            {
                var p = a.GetPixel(x, y);
                var q = b.GetPixel(x, y);
                int dr = Math.Abs(p.Red - q.Red), dg = Math.Abs(p.Green - q.Green), db = Math.Abs(p.Blue - q.Blue);
                total += dr + dg + db;
                if (Math.Max(dr, Math.Max(dg, db)) > threshold)
                {
                    differing++;
                }
            }
        }

        return (differing, total / (3.0 * a.Width * a.Height));
    }

    /// <summary>A copy of the frame (the renderer reuses its bitmap).</summary>
    public static SKBitmap Copy(SKBitmap frame)
    {
        var copy = new SKBitmap(frame.Info);
        Assert.True(frame.CopyTo(copy, frame.ColorType));
        return copy;
    }

    /// <summary>Pixels whose hue is red (≥330° or &lt;20°), orange/yellow (20-75°) or green (75-170°) with saturation &gt; 0.25 and value &gt; 0.15.</summary>
    internal static (int Count, string? Example) CountHealthHues(SKBitmap frame)
    {
        var count = 0;
        string? example = null;
        for (var y = 0; y < frame.Height; y++)
        {
            for (var x = 0; x < frame.Width; x++)
            {
                var c = frame.GetPixel(x, y);
                c.ToHsv(out var h, out var s, out var v);
                if (s > 25 && v > 15 && (h < 170 || h >= 330))
                {
                    count++;
                    example ??= $"({x},{y}) = {c} h{h:F0} s{s:F0} v{v:F0}";
                }
            }
        }

        return (count, example);
    }
}
