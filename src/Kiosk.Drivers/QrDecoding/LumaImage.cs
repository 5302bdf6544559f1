using SkiaSharp;

namespace Kiosk.Drivers.QrDecoding;

/// <summary>An image file or bitmap as a luminance plane (BT.601 weights; transparent pixels over white).</summary>
/// <param name="Pixels">Luminance, <paramref name="Width"/> bytes per row.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public sealed record LumaImage(byte[] Pixels, int Width, int Height)
{
    /// <summary>
    /// The largest image decoded: 50 megapixels (a 50 MP phone photo). The dimensions an image declares in its header are
    /// checked before any pixel is decoded: a 65535 × 65535 header would otherwise ask for 16 GB.
    /// </summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>Decodes a PNG, JPEG or WebP file (whatever SkiaSharp reads).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a readable image, or larger than <see cref="MaxPixels"/> (message without the path).</exception>
    public static LumaImage Load(string path)
    {
        using var bitmap = DecodeBitmap(path);
        return FromBitmap(bitmap);
    }

    /// <summary>Decodes an encoded PNG, JPEG or WebP image.</summary>
    /// <exception cref="InvalidDataException">Not a readable image, or larger than <see cref="MaxPixels"/>.</exception>
    public static LumaImage Decode(byte[] encoded)
    {
        using var bitmap = DecodeBitmap(encoded);
        return FromBitmap(bitmap);
    }

    /// <summary>Decodes an image file to a bitmap, its declared size checked against <see cref="MaxPixels"/> first.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a readable image, or too large.</exception>
    public static SKBitmap DecodeBitmap(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no such file: {path}", path);
        }

        using var stream = File.OpenRead(path);
        using var codec = SKCodec.Create(stream) ?? throw new InvalidDataException(NotAnImage);
        return DecodeChecked(codec);
    }

    /// <summary>Decodes an encoded image to a bitmap, its declared size checked against <see cref="MaxPixels"/> first.</summary>
    /// <exception cref="InvalidDataException">Not a readable image, or too large.</exception>
    public static SKBitmap DecodeBitmap(byte[] encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException(NotAnImage);
        return DecodeChecked(codec);
    }

    private const string NotAnImage = "not a readable image (PNG, JPEG, WebP)";

    private static SKBitmap DecodeChecked(SKCodec codec)
    {
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new InvalidDataException(NotAnImage);
        }

        if ((long)info.Width * info.Height > MaxPixels)
        {
            throw new InvalidDataException($"image too large: {info.Width} × {info.Height} pixels declared, the limit is {MaxPixels / 1_000_000} megapixels");
        }

        var bitmap = SKBitmap.Decode(codec);
        return bitmap ?? throw new InvalidDataException("the image data is damaged");
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
