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

    [Fact]
    public async Task AStillSceneIsDrawnOnceAndRepeatedAChangedSceneIsDrawnAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T08:00:00Z"));
        await using var camera = new SimulatedCamera(Options, time);
        camera.Show(new SimulatedScene.QrText("still"));
        await using var frames = camera.ReadFramesAsync(CancellationToken.None).GetAsyncEnumerator();

        async Task<LumaFrame> NextAsync()
        {
            var next = frames.MoveNextAsync().AsTask();
            time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.True(await next);
            return frames.Current;
        }

        var first = await NextAsync();
        var firstPixels = first.Pixels.ToArray();
        Assert.False(first.Repeat);

        // An equal scene (a new object of the same value) is the same frame: repeated, same pixels.
        camera.Show(new SimulatedScene.QrText("still"));
        var second = await NextAsync();
        Assert.True(second.Repeat);
        Assert.Equal(firstPixels, second.Pixels);
        Assert.Equal(first.Sequence + 1, second.Sequence);

        // The frame drawn for a scene is the one the camera drew before it drew only changes: the noise of its sequence number.
        Assert.Equal(SimulatedFrames.Frame(new SimulatedScene.QrText("still"), first.Sequence).Pixels, firstPixels);

        camera.Show(new SimulatedScene.QrText("moved", SceneStyle.Default with { RotationDegrees = 12 }));
        var third = await NextAsync();
        Assert.False(third.Repeat);
        Assert.Equal(SimulatedFrames.Frame(new SimulatedScene.QrText("moved", SceneStyle.Default with { RotationDegrees = 12 }), third.Sequence).Pixels, third.Pixels);

        camera.FreshNoiseEveryFrame = true;
        var fourth = await NextAsync();
        Assert.False(fourth.Repeat);
        Assert.Equal(SimulatedFrames.Frame(new SimulatedScene.QrText("moved", SceneStyle.Default with { RotationDegrees = 12 }), fourth.Sequence).Pixels, fourth.Pixels);
    }

    [Fact]
    public void ARendererDrawsAScenesAgainAsAFreshOneDoes()
    {
        // Scenes kept by value, noise tables kept per seed: after other scenes, each is drawn exactly as the first time.
        var renderer = new SimulatedSceneRenderer(640, 360);
        SimulatedScene[] scenes =
        [
            new SimulatedScene.Empty(false),
            new SimulatedScene.QrText("a", SceneStyle.Varied(3)),
            new SimulatedScene.QrText("b", SceneStyle.Default with { Seed = 2, Noise = 4 }),
            new SimulatedScene.Empty(false),
            new SimulatedScene.QrText("a", SceneStyle.Varied(3)),
        ];
        for (var i = 0; i < scenes.Length; i++)
        {
            var pixels = new byte[640 * 360];
            renderer.Render(scenes[i], 40 + i, pixels);
            Assert.Equal(SimulatedFrames.Frame(scenes[i], 40 + i, 640, 360).Pixels, pixels);
        }
    }

    [Fact]
    public void OpaqueLumaRowGivesThePlainBt601LumaOfEveryOpaqueColour()
    {
        // All 2^24 colours, in rows of 4,099 pixels (the vector path and a tail of 3).
        const int Width = 4099;
        var row = new uint[Width];
        var luma = new byte[Width];
        for (var start = 0; start < 1 << 24; start += Width)
        {
            var n = Math.Min(Width, (1 << 24) - start);
            for (var i = 0; i < n; i++)
            {
                row[i] = 0xFF000000u | (uint)(start + i);
            }

            Assert.True(SimulatedSceneRenderer.OpaqueLumaRow(row.AsSpan(0, n), luma.AsSpan(0, n)));
            for (var i = 0; i < n; i++)
            {
                var p = row[i];
                var expected = (byte)((299u * (p & 0xFF) + 587u * ((p >> 8) & 0xFF) + 114u * ((p >> 16) & 0xFF) + 500u) / 1000u);
                if (luma[i] != expected)
                {
                    Assert.Fail($"colour {p & 0xFFFFFF:x6}: {luma[i]}, expected {expected}");
                }
            }
        }

        // A translucent pixel anywhere, in the vector part or the tail, declines the row.
        foreach (var at in new[] { 0, 15, 16, 4095, 4098 })
        {
            Array.Fill(row, 0xFF808080u);
            row[at] = 0xFE808080u;
            Assert.False(SimulatedSceneRenderer.OpaqueLumaRow(row, luma));
        }
    }

    [Fact]
    public void OpaqueLumaIsTheLumaOfTheBitmapAndDeclinesTranslucentPixels()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(97, 31, SKColorType.Rgba8888, SKAlphaType.Premul));
        var random = new Random(4);
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            }
        }

        Assert.Equal(LumaImage.FromBitmap(bitmap).Pixels, SimulatedSceneRenderer.OpaqueLuma(bitmap));
        bitmap.SetPixel(5, 5, new SKColor(10, 20, 30, 128));
        Assert.Null(SimulatedSceneRenderer.OpaqueLuma(bitmap));
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
