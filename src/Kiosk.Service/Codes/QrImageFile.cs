using SkiaSharp;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace Kiosk.Service.Codes;

/// <summary>
/// Reads the QR code in an image file (PNG, JPEG, WebP): SkiaSharp decodes the pixels, we reduce them to luminance
/// (transparent pixels over white), ZXing's QR reader with TryHarder finds the code. One small function so the
/// camera path's decoder can replace it.
/// </summary>
public static class QrImageFile
{
    private static readonly Dictionary<DecodeHintType, object> Hints = new()
    {
        [DecodeHintType.TRY_HARDER] = true,
        [DecodeHintType.POSSIBLE_FORMATS] = new List<BarcodeFormat> { BarcodeFormat.QR_CODE },
    };

    /// <summary>The QR text in the image, or null when the image holds no readable QR code.</summary>
    /// <exception cref="InvalidDataException">The file is not an image SkiaSharp can decode.</exception>
    public static string? Decode(byte[] encodedImage)
    {
        ArgumentNullException.ThrowIfNull(encodedImage);
        using var data = SKData.CreateCopy(encodedImage);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException("not a PNG, JPEG or WebP image");
        using var decoded = SKBitmap.Decode(codec) ?? throw new InvalidDataException("the image data is damaged");
        using var rgba = decoded.ColorType == SKColorType.Rgba8888 && decoded.AlphaType != SKAlphaType.Premul
            ? null
            : decoded.Copy(SKColorType.Rgba8888) ?? throw new InvalidDataException("image pixels cannot be converted");
        var bitmap = rgba ?? decoded;
        var luminance = Luminance(bitmap);
        var source = new RGBLuminanceSource(luminance, bitmap.Width, bitmap.Height, RGBLuminanceSource.BitmapFormat.Gray8);
        try
        {
            var result = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), Hints);
            return result?.Text;
        }
        catch (ReaderException)
        {
            return null;
        }
    }

    private static byte[] Luminance(SKBitmap bitmap)
    {
        var pixels = bitmap.GetPixelSpan();
        var premultiplied = bitmap.AlphaType == SKAlphaType.Premul;
        var luma = new byte[bitmap.Width * bitmap.Height];
        var stride = bitmap.RowBytes;
        for (var y = 0; y < bitmap.Height; y++)
        {
            var row = pixels.Slice(y * stride, bitmap.Width * 4);
            for (var x = 0; x < bitmap.Width; x++)
            {
                int r = row[x * 4], g = row[x * 4 + 1], b = row[x * 4 + 2], a = row[x * 4 + 3];
                var y8 = (r * 77 + g * 150 + b * 29) >> 8;
                // Over a white background: a transparent QR background reads as light.
                luma[y * bitmap.Width + x] = premultiplied
                    ? (byte)Math.Min(255, y8 + (255 - a))
                    : (byte)((y8 * a + 255 * (255 - a)) / 255);
            }
        }

        return luma;
    }
}
