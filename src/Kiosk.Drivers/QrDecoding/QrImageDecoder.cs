namespace Kiosk.Drivers.QrDecoding;

/// <summary>Reads QR codes from image files with the camera's pipeline (<see cref="QrFrameDecoder.DecodeStill"/>).</summary>
public sealed class QrImageDecoder(QrDecoderOptions? options = null, TimeProvider? timeProvider = null)
{
    private readonly QrFrameDecoder _decoder = new(options, timeProvider);

    /// <summary>Decodes an image file. Throws <see cref="FileNotFoundException"/> when missing and <see cref="InvalidDataException"/> when not a readable image.</summary>
    public QrDecodeResult DecodeFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no such file: {path}", path);
        }

        var image = LumaImage.Load(path) ?? throw new InvalidDataException($"not a readable image (PNG, JPEG, WebP): {path}");
        return Decode(image);
    }

    /// <summary>Decodes a luminance image.</summary>
    public QrDecodeResult Decode(LumaImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return _decoder.DecodeStill(image.Pixels, image.Width, image.Height, image.Width);
    }
}
