using SkiaSharp;
using ZXing;
using ZXing.QrCode;
using ZXing.QrCode.Internal;

namespace Kiosk.Drivers.QrDecoding;

/// <summary>QR text → PNG: ZXing.Net's QR writer for the modules, SkiaSharp for the pixels.</summary>
public static class QrPng
{
    /// <summary>A black-on-white PNG with a 4-module quiet zone, <paramref name="scale"/> pixels per module, error correction M.</summary>
    public static byte[] Render(string text, int scale = 6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        var hints = new Dictionary<EncodeHintType, object>
        {
            [EncodeHintType.MARGIN] = 4,
            [EncodeHintType.ERROR_CORRECTION] = ErrorCorrectionLevel.M,
        };
        var matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, hints);
        using var bitmap = new SKBitmap(matrix.Width * scale, matrix.Height * scale, SKColorType.Gray8, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var black = new SKPaint { Color = SKColors.Black, IsAntialias = false };
            for (var y = 0; y < matrix.Height; y++)
            {
                for (var x = 0; x < matrix.Width; x++)
                {
                    if (matrix[x, y])
                    {
                        canvas.DrawRect(x * scale, y * scale, scale, scale, black);
                    }
                }
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
