using Kiosk.Drivers.Camera;
using Kiosk.Drivers.QrDecoding;
using ZXing;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// Frames to first read while a visitor brings the phone up: each approach is a sequence of simulated 1280 × 720 frames in
/// which the phone enters the view from a side, small and turned, moves in (motion blur while it moves) and settles into a
/// varied final hold (<see cref="SceneStyle.Varied"/>: size, tilt, blur, glare, moiré, exposure), with a little hand jitter.
/// Ours: one <see cref="QrFrameDecoder"/> per approach fed the frames in order, as the camera path does (motion gate, last
/// hit). Baseline, same frames: plain ZXing.Net, <c>BarcodeReaderGeneric</c> (QR only, defaults) on each frame. A read
/// counts only with the exact text; an approach not read within its frames counts as its length + 1.
/// </summary>
public sealed class DecodeApproachBench : IBenchmark
{
    private const int Width = 1280;
    private const int Height = 720;

    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames { get; } = ["decode.approach.frames_to_read.p95", "decode.approach.frames_to_read.p50"];

    /// <inheritdoc />
    public Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var approaches = options.Quick ? 16 : 40;
        var length = 30;
        var renderer = new SimulatedSceneRenderer(Width, Height);
        var plain = new BarcodeReaderGeneric { Options = { PossibleFormats = [BarcodeFormat.QR_CODE] } };
        var decoder = new QrFrameDecoder();
        var ours = new List<double>();
        var theirs = new List<double>();
        var buffer = new byte[Width * Height];
        for (var a = 1; a <= approaches; a++)
        {
            var text = $"HCN1:{a:D4}:" + string.Concat(Enumerable.Range(0, 180 + a * 5).Select(i => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$%*+-./:"[(i * 11 + a) % 44]));
            decoder.Reset();
            int? oursAt = null, theirsAt = null;
            for (var f = 0; f < length && (oursAt is null || theirsAt is null); f++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                renderer.Render(new SimulatedScene.QrText(text, Pose(a, f, length)), a * 1000 + f, buffer);
                if (oursAt is null && decoder.Decode(new LumaFrame(buffer, Width, Height, Width, DateTimeOffset.UnixEpoch, f)).Text == text)
                {
                    oursAt = f + 1;
                }

                if (theirsAt is null && plain.Decode(new RGBLuminanceSource(buffer, Width, Height, RGBLuminanceSource.BitmapFormat.Gray8))?.Text == text)
                {
                    theirsAt = f + 1;
                }
            }

            ours.Add(oursAt ?? length + 1);
            theirs.Add(theirsAt ?? length + 1);
        }

        IReadOnlyList<Figure> figures =
        [
            new Figure("decode.approach.frames_to_read.p95", Math.Round(Stats.Percentile(ours, 95), 1), "frames", Math.Round(Stats.Percentile(theirs, 95), 1)),
            new Figure("decode.approach.frames_to_read.p50", Math.Round(Stats.Median(ours), 1), "frames", Math.Round(Stats.Median(theirs), 1)),
        ];
        return Task.FromResult(figures);
    }

    // Frame f of approach a: 60 % of the frames to come in from a side (eased), then settled with a little jitter.
    private static SceneStyle Pose(int approach, int frame, int length)
    {
        var final = SceneStyle.Varied(approach);
        var moving = length * 0.6;
        var p = Math.Min(1, frame / moving);
        var eased = 1 - (1 - p) * (1 - p);
        var side = approach % 2 == 0 ? 1 : -1;
        var jitter = new Random(approach * 7919 + frame);
        double Jitter(double amount) => (jitter.NextDouble() - 0.5) * 2 * amount;
        return final with
        {
            OffsetX = final.OffsetX + side * 0.7 * (1 - eased) + Jitter(0.004),
            OffsetY = final.OffsetY + 0.15 * (1 - eased) + Jitter(0.004),
            CodeFraction = final.CodeFraction * (0.6 + 0.4 * eased),
            RotationDegrees = final.RotationDegrees + side * 20 * (1 - eased) + Jitter(0.5),
            TiltX = final.TiltX + side * 0.15 * (1 - eased),
            Blur = final.Blur + 2.5 * (1 - eased),
        };
    }
}
