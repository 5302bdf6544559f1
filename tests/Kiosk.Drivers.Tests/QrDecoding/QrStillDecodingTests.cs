using Kiosk.Drivers.QrDecoding;
using ZXing;
using ZXing.QrCode;
using ZXing.QrCode.Internal;

namespace Kiosk.Drivers.Tests.QrDecoding;

/// <summary>Still mode (files): codes cut at their edge, small modules, images that are not images or declare a huge size.</summary>
public class QrStillDecodingTests
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    public static TheoryData<int, double> CroppedCodes()
    {
        var data = new TheoryData<int, double>();
        foreach (var length in new[] { 60, 320, 560 })
        {
            foreach (var pixelsPerModule in new[] { 1.0, 1.5, 2.0, 2.5, 3.0 })
            {
                data.Add(length, pixelsPerModule);
            }
        }

        return data;
    }

    // A screenshot cut to the code: no quiet zone at all, modules of 1–3 pixels, resampled by area (as a phone scales a screen).
    [Theory]
    [MemberData(nameof(CroppedCodes))]
    public void CodeCroppedToItsEdgeWithNoQuietZoneIsRead(int length, double pixelsPerModule)
    {
        var text = "HC1:" + string.Concat(Enumerable.Range(0, length).Select(i => Alphabet[(i * 7919 + length) % Alphabet.Length]));
        var (pixels, size) = Cropped(text, pixelsPerModule);

        var result = new QrFrameDecoder().DecodeStill(pixels, size, size, size);

        Assert.Equal(text, result.Text);
    }

    [Fact]
    public void DeclaredSizeOverTheLimitIsRefusedBeforeDecoding()
    {
        var huge = OversizedPng.Create(65535, 65535);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var ex = Assert.Throws<InvalidDataException>(() => new QrFrameDecoder().DecodeImage(huge));

        Assert.Contains("65535 × 65535", ex.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 16 << 20, "no pixel buffer was allocated");
    }

    [Fact]
    public void NotAnImageIsInvalidData()
    {
        var ex = Assert.Throws<InvalidDataException>(() => new QrFrameDecoder().DecodeImage("plain text, no image"u8.ToArray()));
        Assert.StartsWith("not a readable image", ex.Message);
    }

    private static (byte[] Pixels, int Size) Cropped(string text, double pixelsPerModule)
    {
        var hints = new Dictionary<EncodeHintType, object> { [EncodeHintType.MARGIN] = 0, [EncodeHintType.ERROR_CORRECTION] = ErrorCorrectionLevel.M };
        var modules = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, hints);
        var size = (int)Math.Round(modules.Width * pixelsPerModule);
        var pixels = new byte[size * size];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                // 4 × 4 samples per pixel: the pixel's share of light modules.
                var light = 0;
                for (var sy = 0; sy < 4; sy++)
                {
                    for (var sx = 0; sx < 4; sx++)
                    {
                        var mx = Math.Min(modules.Width - 1, (int)((x + (sx + 0.5) / 4) / pixelsPerModule));
                        var my = Math.Min(modules.Height - 1, (int)((y + (sy + 0.5) / 4) / pixelsPerModule));
                        light += modules[mx, my] ? 0 : 1;
                    }
                }

                pixels[y * size + x] = (byte)(light * 255 / 16);
            }
        }

        return (pixels, size);
    }
}
