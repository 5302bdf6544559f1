using Kiosk.Drivers.Camera;
using Kiosk.Drivers.QrDecoding;
using Microsoft.Extensions.Time.Testing;
using SkiaSharp;

namespace Kiosk.Drivers.Tests.Camera;

public class SimulatedCameraTests
{
    private static readonly CameraOptions Options = new() { Source = CameraSourceKind.Simulated, Width = 1280, Height = 720, FramesPerSecond = 10 };

    [Theory]
    [InlineData("hello")]
    [InlineData("https://example.org/visitor?id=12345")]
    [InlineData(null)]
    public void DefaultStyleIsReadOnTheFirstFrameByTheCheapPath(string? text)
    {
        text ??= SimulatedFrames.LongText;
        var result = new QrFrameDecoder().Decode(SimulatedFrames.Frame(new SimulatedScene.QrText(text)));
        Assert.Equal(text, result.Text);
        Assert.Equal(QrDecodePath.Downscaled, result.Path);
    }

    [Fact]
    public void RenderingIsDeterministicPerSeedAndFrame()
    {
        var scene = new SimulatedScene.QrText("seeded", SceneStyle.Varied(5));
        Assert.Equal(SimulatedFrames.Frame(scene, 3).Pixels, SimulatedFrames.Frame(scene, 3).Pixels);
        Assert.NotEqual(SimulatedFrames.Frame(scene, 3).Pixels, SimulatedFrames.Frame(scene, 4).Pixels);
        Assert.NotEqual(SimulatedFrames.Frame(scene, 3).Pixels, SimulatedFrames.Frame(scene with { Style = SceneStyle.Varied(6) }, 3).Pixels);
    }

    [Fact]
    public void EmptySceneHoldsNoCodeAndMovesOnlyWithMotion()
    {
        var still = new SimulatedScene.Empty(false);
        var moving = new SimulatedScene.Empty(true);
        Assert.Null(new QrFrameDecoder().Decode(SimulatedFrames.Frame(moving, 1)).Text);
        var a = SimulatedFrames.Frame(moving, 1).Pixels;
        var b = SimulatedFrames.Frame(moving, 30).Pixels;
        Assert.True(MeanAbsDiff(a, b) > 2, "a passer-by changes the picture");
        Assert.True(MeanAbsDiff(SimulatedFrames.Frame(still, 1).Pixels, SimulatedFrames.Frame(still, 30).Pixels) < 2, "only sensor noise");
    }

    [Fact]
    public void ImageSceneShowsAPngOfACodeOnThePhone()
    {
        var writer = new ZXing.QrCode.QRCodeWriter();
        var bits = writer.encode("from a PNG", ZXing.BarcodeFormat.QR_CODE, 200, 200);
        using var bitmap = new SKBitmap(bits.Width, bits.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        for (var y = 0; y < bits.Height; y++)
        {
            for (var x = 0; x < bits.Width; x++)
            {
                bitmap.SetPixel(x, y, bits[x, y] ? SKColors.Black : SKColors.White);
            }
        }

        var path = Path.Combine(Path.GetTempPath(), $"sim-{Guid.NewGuid():N}.png");
        try
        {
            using (var file = File.Create(path))
            {
                bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
            }

            var result = new QrFrameDecoder().Decode(SimulatedFrames.Frame(SimulatedScene.Image.FromFile(path)));
            Assert.Equal("from a PNG", result.Text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void VariedHoldsAreMostlyReadable()
    {
        var decoder = new QrFrameDecoder(new QrDecoderOptions { MotionGating = false });
        var read = 0;
        for (var seed = 1; seed <= 12; seed++)
        {
            // Payload-sized codes (version 10+) carry alignment patterns, which is what lets ZXing follow perspective.
            var text = $"{seed:D3}" + SimulatedFrames.LongText;
            var result = decoder.Decode(SimulatedFrames.Frame(new SimulatedScene.QrText(text, SceneStyle.Varied(seed))));
            Assert.True(result.Text is null || result.Text == text);
            read += result.Text is null ? 0 : 1;
        }

        Assert.True(read >= 9, $"read {read} of 12");
    }

    [Fact]
    public async Task FramesArePacedOnTheTimeProvider()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T08:00:00Z"));
        await using var camera = new SimulatedCamera(Options, time);
        camera.Show(new SimulatedScene.QrText("paced"));
        await using var frames = camera.ReadFramesAsync(CancellationToken.None).GetAsyncEnumerator();
        var next = frames.MoveNextAsync().AsTask();
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(await next);
        Assert.Equal(time.GetUtcNow(), frames.Current.Timestamp);
        Assert.Equal((1280, 720), (frames.Current.Width, frames.Current.Height));
        Assert.Equal("paced", new QrFrameDecoder().Decode(frames.Current).Text);
    }

    [Fact]
    public async Task VanishedCameraThrowsCameraFault()
    {
        var time = new FakeTimeProvider();
        await using var camera = new SimulatedCamera(Options, time);
        await using var frames = camera.ReadFramesAsync(CancellationToken.None).GetAsyncEnumerator();
        var next = frames.MoveNextAsync().AsTask();
        camera.Vanish();
        time.Advance(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAsync<CameraFaultException>(() => next);
    }

    private static double MeanAbsDiff(byte[] a, byte[] b)
    {
        long sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return (double)sum / a.Length;
    }
}
