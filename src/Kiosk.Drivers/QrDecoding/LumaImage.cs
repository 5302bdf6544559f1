using SkiaSharp;

namespace Kiosk.Drivers.QrDecoding;

/// <summary>An image file or bitmap as a luminance plane (BT.601 weights; transparent pixels over white).</summary>
/// <param name="Pixels">Luminance, <paramref name="Width"/> bytes per row.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public sealed record LumaImage(byte[] Pixels, int Width, int Height)
{
    /// <summary>Decodes a PNG, JPEG or WebP file (whatever SkiaSharp reads); null when the file is not a readable image.</summary>
    public static LumaImage? Load(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        return bitmap is null ? null : FromBitmap(bitmap);
    }

    /// <summary>The luminance of a bitmap of any colour type.</summary>
    public static LumaImage FromBitmap(SKBitmap bitmap)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        var info = new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var rgba = new SKBitmap(info);
        if (!bitmap.CopyTo(rgba, SKColorType.Rgba8888))
        {
            using var canvas = new SKCanvas(rgba);
            canvas.Clear(SKColors.White);
            canvas.DrawBitmap(bitmap, 0, 0);
        }

        var src = rgba.GetPixelSpan();
        var stride = rgba.RowBytes;
        var luma = new byte[bitmap.Width * bitmap.Height];
        for (var y = 0; y < bitmap.Height; y++)
        {
            var row = src.Slice(y * stride, bitmap.Width * 4);
            var o = y * bitmap.Width;
            for (var x = 0; x < bitmap.Width; x++)
            {
                var r = row[4 * x];
                var g = row[4 * x + 1];
                var b = row[4 * x + 2];
                var a = row[4 * x + 3];
                var l = (299 * r + 587 * g + 114 * b + 500) / 1000;
                luma[o + x] = (byte)((l * a + 255 * (255 - a) + 127) / 255);
            }
        }

        return new LumaImage(luma, bitmap.Width, bitmap.Height);
    }
}
