using Kiosk.Drivers.Camera;
using Kiosk.Drivers.QrDecoding;
using Kiosk.Drivers.Tests.Camera;

namespace Kiosk.Drivers.Tests.QrDecoding;

public class QrFrameDecoderTests
{
    private static readonly SimulatedScene Code = new SimulatedScene.QrText("stage test");

    [Fact]
    public void UnchangedFrameIsSkippedAndRepeatsThePreviousText()
    {
        var decoder = new QrFrameDecoder();
        Assert.Equal("stage test", decoder.Decode(SimulatedFrames.Frame(Code, 1)).Text);
        var second = decoder.Decode(SimulatedFrames.Frame(Code, 2));
        Assert.True(second.Unchanged);
        Assert.Equal(QrDecodePath.Unchanged, second.Path);
        Assert.Equal("stage test", second.Text);
    }

    [Fact]
    public void EmptySceneIsSkippedWhenStillAndDecodedWhenMoving()
    {
        var decoder = new QrFrameDecoder();
        var still = new SimulatedScene.Empty(false);
        Assert.False(decoder.Decode(SimulatedFrames.Frame(still, 1)).Unchanged);
        Assert.True(decoder.Decode(SimulatedFrames.Frame(still, 2)).Unchanged);

        var moving = new SimulatedScene.Empty(true);
        var a = decoder.Decode(SimulatedFrames.Frame(moving, 10));
        var b = decoder.Decode(SimulatedFrames.Frame(moving, 20));
        Assert.False(a.Unchanged);
        Assert.False(b.Unchanged);
        Assert.Null(b.Text);
    }

    [Fact]
    public void GateDecodesAgainAfterMaxSkippedFrames()
    {
        var decoder = new QrFrameDecoder(new QrDecoderOptions { MaxSkippedFrames = 2 });
        var results = Enumerable.Range(1, 4).Select(i => decoder.Decode(SimulatedFrames.Frame(Code, i))).ToList();
        Assert.Equal([false, true, true, false], results.Select(r => r.Unchanged));
        Assert.All(results, r => Assert.Equal("stage test", r.Text));
    }

    [Fact]
    public void ChangedFrameIsTriedFirstAroundTheLastHit()
    {
        var decoder = new QrFrameDecoder();
        Assert.Equal(QrDecodePath.Downscaled, decoder.Decode(SimulatedFrames.Frame(Code, 1)).Path);
        var brighter = new SimulatedScene.QrText("stage test", SceneStyle.Default with { Exposure = 1.2, RotationDegrees = 8 });
        var result = decoder.Decode(SimulatedFrames.Frame(brighter, 2));
        Assert.Equal("stage test", result.Text);
        Assert.Equal(QrDecodePath.LastHitRegion, result.Path);
    }

    [Fact]
    public void InvertedCodeIsReadFromTheSameBitsFlipped()
    {
        var frame = SimulatedFrames.Frame(Code, 1);
        var inverted = frame.Pixels.Select(p => (byte)(255 - p)).ToArray();
        var result = new QrFrameDecoder().Decode(frame with { Pixels = inverted });
        Assert.Equal("stage test", result.Text);
        Assert.Equal(QrDecodePath.DownscaledInverted, result.Path);
    }

    [Fact]
    public void SmallCodeFoundAsFinderPatternsIsReadByAHarderPath()
    {
        var small = new SimulatedScene.QrText(SimulatedFrames.LongText, SceneStyle.Default with { CodeFraction = 0.3 });
        var result = new QrFrameDecoder().Decode(SimulatedFrames.Frame(small, 1));
        Assert.Equal(SimulatedFrames.LongText, result.Text);
        Assert.NotEqual(QrDecodePath.Downscaled, result.Path);
        Assert.True(result.FinderPatternsSeen);
    }

    [Fact]
    public void CodeTooFarToReadIsSeenByTheFarCodeProbeAndNeverReadByIt()
    {
        // Modules of about a pixel: the downscaled pass sees no finder pattern, full resolution sees three and cannot read them.
        var far = Enumerable.Range(1, 6)
            .Select(seed => new SimulatedScene.QrText(SimulatedFrames.LongText, SceneStyle.Default with { CodeFraction = 0.12, RotationDegrees = seed * 3, Seed = seed }))
            .Select((scene, i) => new QrFrameDecoder(new QrDecoderOptions { MotionGating = false, FarCodeProbeEvery = 1 }).Decode(SimulatedFrames.Frame(scene, i + 1)))
            .ToList();
        Assert.All(far, r => Assert.Null(r.Text));
        Assert.Contains(far, r => r.CodeSeen);

        var off = new QrFrameDecoder(new QrDecoderOptions { MotionGating = false, FarCodeProbeEvery = 0 });
        Assert.All(
            Enumerable.Range(1, 6).Select(seed => off.Decode(SimulatedFrames.Frame(new SimulatedScene.QrText(SimulatedFrames.LongText, SceneStyle.Default with { CodeFraction = 0.12, RotationDegrees = seed * 3, Seed = seed }), seed))),
            r => Assert.False(r.CodeSeen));
    }

    [Fact]
    public void ACodeReadOrNoCodeAtAllIsNotACodeSeen()
    {
        var decoder = new QrFrameDecoder(new QrDecoderOptions { FarCodeProbeEvery = 1 });
        var read = decoder.Decode(SimulatedFrames.Frame(Code, 1));
        Assert.Equal("stage test", read.Text);
        Assert.False(read.CodeSeen);

        var empty = Enumerable.Range(2, 20).Select(i => decoder.Decode(SimulatedFrames.Frame(new SimulatedScene.Empty(true), i * 10))).ToList();
        Assert.All(empty, r => Assert.False(r.CodeSeen));
    }

    [Fact]
    public void AFrameSkippedAsUnchangedRepeatsWhetherACodeWasSeen()
    {
        var decoder = new QrFrameDecoder(new QrDecoderOptions { FarCodeProbeEvery = 1 });
        var seed = Enumerable.Range(1, 6).First(s =>
            new QrFrameDecoder(new QrDecoderOptions { MotionGating = false, FarCodeProbeEvery = 1 }).Decode(SimulatedFrames.Frame(Far(s), 1)).CodeSeen);
        Assert.True(decoder.Decode(SimulatedFrames.Frame(Far(seed), 1)).CodeSeen);
        var again = decoder.Decode(SimulatedFrames.Frame(Far(seed), 2));
        Assert.True(again.Unchanged);
        Assert.True(again.CodeSeen);

        static SimulatedScene Far(int seed) =>
            new SimulatedScene.QrText(SimulatedFrames.LongText, SceneStyle.Default with { CodeFraction = 0.12, RotationDegrees = seed * 3, Seed = seed });
    }

    [Fact]
    public void DamagedCodeIsNoCodeNeverAWrongText()
    {
        var frame = SimulatedFrames.Frame(new SimulatedScene.QrText(SimulatedFrames.LongText), 1);
        var decoder = new QrFrameDecoder(new QrDecoderOptions { MotionGating = false });
        Assert.Equal(SimulatedFrames.LongText, decoder.Decode(frame).Text);

        // Scribble over a growing band of the code: every result is either the exact text or none.
        var rng = new Random(3);
        var sawMiss = false;
        for (var band = 10; band <= 120; band += 10)
        {
            var damaged = (byte[])frame.Pixels.Clone();
            for (var y = 300; y < 300 + band; y++)
            {
                for (var x = 480; x < 800; x++)
                {
                    damaged[y * frame.Stride + x] = (byte)(rng.Next(2) * 255);
                }
            }

            var text = decoder.Decode(frame with { Pixels = damaged }).Text;
            Assert.True(text is null || text == SimulatedFrames.LongText, "a damaged code must never yield another text");
            sawMiss |= text is null;
        }

        Assert.True(sawMiss, "heavy damage must defeat error correction");
    }

    [Fact]
    public void LumaPlaneSourceHonoursStrideAndCrop()
    {
        var plane = new byte[10 * 4];
        for (var i = 0; i < plane.Length; i++)
        {
            plane[i] = (byte)i;
        }

        var whole = new LumaPlaneSource(plane, 8, 4, 10);
        Assert.Equal(new byte[] { 10, 11, 12, 13, 14, 15, 16, 17 }, whole.getRow(1, null!));
        var crop = whole.crop(2, 1, 3, 2);
        Assert.Equal(new byte[] { 12, 13, 14, 22, 23, 24 }, crop.Matrix);
        var tight = new LumaPlaneSource(plane, 10, 4, 10);
        Assert.Same(plane, tight.Matrix);
    }

    [Fact]
    public void VectorizedHalvingEqualsTheRoundedBoxMean()
    {
        var rng = new Random(9);
        const int stride = 1283;
        var plane = new byte[stride * 101];
        rng.NextBytes(plane);
        var (half, w, h) = new LumaDownscaler().Downscale(plane, stride, 3, 1, 1275, 99, 2);
        Assert.Equal((637, 49), (w, h));
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var i = (1 + 2 * y) * stride + 3 + 2 * x;
                var sum = plane[i] + plane[i + 1] + plane[i + stride] + plane[i + stride + 1];
                Assert.Equal((sum + 2) / 4, half[y * w + x]);
            }
        }
    }

    [Fact]
    public void DownscalerAveragesBoxes()
    {
        var plane = new byte[] { 0, 4, 8, 8, 10, 20, 30, 40, 2, 2, 2, 2, 2, 2, 2, 2, 9, 9, 9, 9, 9, 9, 9, 9 };
        var (two, w2, h2) = new LumaDownscaler().Downscale(plane, 8, 0, 0, 8, 2, 2);
        Assert.Equal((4, 1), (w2, h2));
        Assert.Equal(new byte[] { 2, 5, 9, 19 }, two[..4]);
        var (three, w3, h3) = new LumaDownscaler().Downscale(plane, 8, 0, 0, 6, 3, 3);
        Assert.Equal((2, 1), (w3, h3));
        Assert.Equal((0 + 4 + 8 + 2 + 2 + 2 + 9 + 9 + 9) / 9, three[0]);
    }
}

public class PlaneHybridBinarizerTests
{
    [Theory]
    [InlineData(1, 1280, 720, 0, 0, 1280, 720)]
    [InlineData(2, 1280, 720, 13, 7, 501, 333)]
    [InlineData(3, 640, 480, 0, 0, 43, 41)]
    public void MatchesZXingHybridBinarizerBitForBit(int seed, int width, int height, int left, int top, int w, int h)
    {
        var frame = SimulatedFrames.Frame(new SimulatedScene.QrText("binarize me", SceneStyle.Varied(seed)), 0, width, height);
        var ours = new PlaneHybridBinarizer().Binarize(frame.Pixels, frame.Stride, left, top, w, h);
        var zxing = new ZXing.Common.HybridBinarizer(new LumaPlaneSource(frame.Pixels, frame.Stride, left, top, w, h)).BlackMatrix;
        Assert.NotNull(ours);
        Assert.Equal(zxing, ours);
    }

    [Fact]
    public void LeavesTinyImagesToZXing()
    {
        Assert.Null(new PlaneHybridBinarizer().Binarize(new byte[39 * 39], 39, 0, 0, 39, 39));
    }
}
