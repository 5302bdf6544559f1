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
/// </summary>
public sealed class DisplayBench : IBenchmark
{
    private const int Width = 800;
    private const int Height = 480;

    public IReadOnlyList<string> FigureNames { get; } = ["display.render_ms"];

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

            IReadOnlyList<Figure> figures = [new Figure("display.render_ms", Math.Round(Stats.Median(ours), 3), "ms", Math.Round(Stats.Median(naive), 3))];
            return Task.FromResult(figures);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
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
