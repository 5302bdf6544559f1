using System.Diagnostics;
using System.Text;
using Kiosk.Drivers.Camera;
using Kiosk.Drivers.QrDecoding;
using ZXing;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// The QR decode pipeline against plain ZXing.Net as a user would write it: <c>BarcodeReaderGeneric</c>, QR only,
/// default options, an <c>RGBLuminanceSource</c> (Gray8) of the full frame. Frames come from the simulated camera
/// (1280 × 720, varied holds: size, tilt, blur, glare, moiré, exposure); photos from tests/data/qr-photos.
/// </summary>
public sealed class DecodeBench : IBenchmark
{
    private const int Width = 1280;
    private const int Height = 720;
    private const int FrameCount = 60;

    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames { get; } =
        ["decode.frame720p.ms", "decode.frame720p.decoded", "decode.idle_frame720p.ms", "decode.photos.decoded"];

    /// <inheritdoc />
    public Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var repeats = options.Quick ? 3 : 10;
        var renderer = new SimulatedSceneRenderer(Width, Height);
        var frames = Enumerable.Range(1, FrameCount).Select(seed =>
        {
            var text = $"HCN1:{seed:D4}:" + string.Concat(Enumerable.Range(0, 200 + seed * 3).Select(i => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$%*+-./:"[(i * 7 + seed) % 44]));
            return (Text: text, Pixels: renderer.Render(new SimulatedScene.QrText(text, SceneStyle.Varied(seed))));
        }).ToList();

        var ours = new QrFrameDecoder();
        var plain = PlainReader();
        var oursMs = new List<double>();
        var plainMs = new List<double>();
        int oursDecoded = 0, plainDecoded = 0;
        for (var r = 0; r < repeats; r++)
        {
            foreach (var (text, pixels) in frames)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var frame = new LumaFrame(pixels, Width, Height, Width, DateTimeOffset.UnixEpoch, r);
                ours.Reset(); // a visitor's first frame: no motion reference, no last hit
                var t = Stopwatch.GetTimestamp();
                var got = ours.Decode(frame).Text;
                oursMs.Add(Stats.ElapsedMs(t));

                t = Stopwatch.GetTimestamp();
                var theirs = plain.Decode(new RGBLuminanceSource(pixels, Width, Height, RGBLuminanceSource.BitmapFormat.Gray8))?.Text;
                plainMs.Add(Stats.ElapsedMs(t));
                if (r == 0)
                {
                    oursDecoded += got == text ? 1 : 0;
                    plainDecoded += theirs == text ? 1 : 0;
                }
            }
        }

        // Nobody there: the same empty hall, frame after frame (sensor noise only).
        var empty = new SimulatedScene.Empty(false);
        var idleFrames = Enumerable.Range(0, 8).Select(i =>
        {
            var buffer = new byte[Width * Height];
            renderer.Render(empty, i, buffer);
            return new LumaFrame(buffer, Width, Height, Width, DateTimeOffset.UnixEpoch, i);
        }).ToList();
        var idle = new QrFrameDecoder();
        idle.Decode(idleFrames[0]);
        var idleMs = new List<double>();
        var idlePlainMs = new List<double>();
        for (var i = 0; i < repeats * 40; i++)
        {
            var frame = idleFrames[1 + i % 7];
            var t = Stopwatch.GetTimestamp();
            idle.Decode(frame);
            idleMs.Add(Stats.ElapsedMs(t));
            if (i % 4 == 0)
            {
                t = Stopwatch.GetTimestamp();
                plain.Decode(new RGBLuminanceSource(frame.Pixels, Width, Height, RGBLuminanceSource.BitmapFormat.Gray8));
                idlePlainMs.Add(Stats.ElapsedMs(t));
            }
        }

        var (photosOurs, photosPlain) = Photos(plain);
        IReadOnlyList<Figure> figures =
        [
            new Figure("decode.frame720p.ms", Math.Round(Stats.Median(oursMs), 3), "ms", Math.Round(Stats.Median(plainMs), 3)),
            new Figure("decode.frame720p.decoded", oursDecoded, "codes", plainDecoded),
            new Figure("decode.idle_frame720p.ms", Math.Round(Stats.Median(idleMs), 4), "ms", Math.Round(Stats.Median(idlePlainMs), 3)),
            new Figure("decode.photos.decoded", photosOurs, "codes", photosPlain),
        ];
        return Task.FromResult(figures);
    }

    private static BarcodeReaderGeneric PlainReader() => new() { Options = { PossibleFormats = [BarcodeFormat.QR_CODE] } };

    // Exact comparison: the .txt bytes as strict UTF-8 against the decoded text (as the conformance test does).
    private static (int Ours, int Plain) Photos(BarcodeReaderGeneric plain)
    {
        var root = FindPhotos();
        var strict = new UTF8Encoding(false, true);
        var ours = new QrFrameDecoder();
        int o = 0, p = 0;
        foreach (var image in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                     .Where(f => Path.GetExtension(f) is ".png" or ".jpg" or ".webp"))
        {
            var expected = strict.GetString(File.ReadAllBytes(Path.ChangeExtension(image, ".txt")));
            var luma = LumaImage.Load(image);
            o += ours.DecodeStill(luma).Text == expected ? 1 : 0;
            p += plain.Decode(new RGBLuminanceSource(luma.Pixels, luma.Width, luma.Height, RGBLuminanceSource.BitmapFormat.Gray8))?.Text == expected ? 1 : 0;
        }

        return (o, p);
    }

    private static string FindPhotos()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "data", "qr-photos");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("tests/data/qr-photos not found (run from the repository)");
    }
}
