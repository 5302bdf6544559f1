using System.Diagnostics;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Screen;
using Kiosk.Display;
using Kiosk.Display.Rendering;
using Kiosk.Display.Sinks.Framebuffer;
using SkiaSharp;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// <c>display.render_ms</c>: median time to render one 800×480 PASS screen and hand it to the framebuffer sink
/// (a temp file standing in for /dev/fb0, XRGB8888). Baseline in the same run: the naive way — a new SKSurface, the
/// typeface loaded from the embedded stream and new paints/fonts per frame, then the pixels copied one by one
/// (GetPixel) into a buffer written to the same file.
/// <c>display.render_ms.p95.WxH</c>: the 95th percentile of the same (render and present, the screens of
/// <see cref="ScreenGallery"/> in both languages in turn) on each panel of <see cref="PanelSize.Common"/>; baseline, at
/// the same size, a new renderer per frame (its bitmap, canvas and font allocated again) and a per-pixel copy.
/// </summary>
public sealed class DisplayBench : IBenchmark
{
    private const int Width = 800;
    private const int Height = 480;

    public IReadOnlyList<string> FigureNames { get; } = ["display.render_ms", .. PanelSize.Common.Select(p => $"display.render_ms.p95.{p}")];

    public Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var iterations = options.Quick ? 30 : 200;
        var dir = Directory.CreateTempSubdirectory("kiosk-bench-fb-");
        try
        {
            var geometry = FramebufferGeometry.Xrgb8888(Width, Height);
            var status = new StatusStrip(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.FromHours(8)), true, "4 min", "kiosk-01");
            var models = new[]
            {
                ScreenPrompts.ToModel(PromptTable.Pass, status, "王*明", proxy: true),
                ScreenPrompts.ToModel(PromptTable.ReferFurtherCheck, status, "李*"),
            };

            var ours = new List<double>(iterations);
            using (var renderer = new ScreenRenderer(Width, Height))
            using (var sink = FramebufferSink.OpenFile(Path.Combine(dir.FullName, "fb-ours"), geometry))
            {
                for (var i = 0; i < 5; i++)
                {
                    sink.Present(renderer.Render(models[i % 2]));
                }

                for (var i = 0; i < iterations; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var start = Stopwatch.GetTimestamp();
                    sink.Present(renderer.Render(models[i % 2]));
                    ours.Add(Stats.ElapsedMs(start));
                }
            }

            var naive = new List<double>(iterations);
            var naivePath = Path.Combine(dir.FullName, "fb-naive");
            var buffer = new byte[geometry.LineLength * Height];
            for (var i = 0; i < 3; i++)
            {
                NaiveFrame(models[i % 2], naivePath, buffer, geometry.LineLength);
            }

            for (var i = 0; i < iterations; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = Stopwatch.GetTimestamp();
                NaiveFrame(models[i % 2], naivePath, buffer, geometry.LineLength);
                naive.Add(Stats.ElapsedMs(start));
            }

            var figures = new List<Figure> { new("display.render_ms", Math.Round(Stats.Median(ours), 3), "ms", Math.Round(Stats.Median(naive), 3)) };
            foreach (var panel in PanelSize.Common)
            {
                figures.Add(PerPanel(panel, dir.FullName, options.Quick, cancellationToken));
            }

            return Task.FromResult<IReadOnlyList<Figure>>(figures);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>p95 of render + present on one panel, and the baseline's p95 at the same size.</summary>
    private static Figure PerPanel(PanelSize panel, string dir, bool quick, CancellationToken cancellationToken)
    {
        var models = ScreenGallery.All(ScreenLanguage.Both).Select(s => s.Model).ToArray();
        var geometry = FramebufferGeometry.Xrgb8888(panel.Width, panel.Height);
        var iterations = quick ? 40 : 200;
        var ours = new List<double>(iterations);
        using (var renderer = new ScreenRenderer(panel.Width, panel.Height))
        using (var sink = FramebufferSink.OpenFile(Path.Combine(dir, $"fb-{panel}"), geometry))
        {
            for (var i = 0; i < 5; i++)
            {
                sink.Present(renderer.Render(models[i % models.Length]));
            }

            for (var i = 0; i < iterations; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = Stopwatch.GetTimestamp();
                sink.Present(renderer.Render(models[i % models.Length]));
                ours.Add(Stats.ElapsedMs(start));
            }
        }

        var baselineIterations = quick ? 8 : 30;
        var naive = new List<double>(baselineIterations);
        var buffer = new byte[geometry.LineLength * panel.Height];
        var path = Path.Combine(dir, $"fb-naive-{panel}");
        for (var i = 0; i < baselineIterations + 2; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            using (var renderer = new ScreenRenderer(panel.Width, panel.Height))
            {
                var frame = renderer.Render(models[i % models.Length]);
                for (var y = 0; y < panel.Height; y++)
                {
                    for (var x = 0; x < panel.Width; x++)
                    {
                        var c = frame.GetPixel(x, y);
                        var o = y * geometry.LineLength + x * 4;
                        buffer[o] = c.Blue;
                        buffer[o + 1] = c.Green;
                        buffer[o + 2] = c.Red;
                        buffer[o + 3] = 0xFF;
                    }
                }
            }

            using (var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write))
            {
                file.Write(buffer);
            }

            if (i >= 2)
            {
                naive.Add(Stats.ElapsedMs(start));
            }
        }

        return new Figure($"display.render_ms.p95.{panel}", Math.Round(Stats.Percentile(ours, 95), 3), "ms", Math.Round(Stats.Percentile(naive, 95), 3));
    }

    /// <summary>What a first version would do: everything new per frame, then a per-pixel copy.</summary>
    private static void NaiveFrame(ScreenModel model, string path, byte[] buffer, int lineLength)
    {
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height));
        var canvas = surface.Canvas;
        using var typeface = KioskTypeface.Load();
        canvas.Clear(Palette.Background(model.Tone));
        using (var strip = new SKPaint { Color = Palette.StripBackground })
        {
            canvas.DrawRect(0, 0, Width, 41, strip);
        }

        using (var disc = new SKPaint { Color = Palette.IconDisc, IsAntialias = true })
        {
            canvas.DrawCircle(140, 260, 104, disc);
        }

        void Text(string text, float size, float x, float y)
        {
            using var font = new SKFont(typeface, size);
            using var paint = new SKPaint { Color = SKColors.White, IsAntialias = true };
            canvas.DrawText(text, x, y, SKTextAlign.Left, font, paint);
        }

        Text("2026-11-25 08:00", 20, 16, 28);
        Text("在线 online", 20, 220, 28);
        Text("数据 data 4 min", 20, 380, 28);
        Text(model.Headline.Text.Zh, 70, 280, 190);
        Text(model.Headline.Text.En, 42, 280, 240);
        Text(model.MaskedName ?? string.Empty, 46, 280, 310);
        var line = model.Lines.Count > 0 ? model.Lines[0].Text : new Bilingual(string.Empty, string.Empty);
        Text(line.Zh, 30, 280, 370);
        Text(line.En, 24, 280, 405);

        using var image = surface.Snapshot();
        using var bitmap = SKBitmap.FromImage(image);
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                var o = y * lineLength + x * 4;
                buffer[o] = c.Blue;
                buffer[o + 1] = c.Green;
                buffer[o + 2] = c.Red;
                buffer[o + 3] = 0xFF;
            }
        }

        using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write);
        file.Write(buffer);
    }
}
