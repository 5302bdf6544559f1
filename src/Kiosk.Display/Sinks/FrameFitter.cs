using SkiaSharp;

namespace Kiosk.Display.Sinks;

/// <summary>Scales (aspect kept, letterboxed in black) and rotates a frame to a sink's native size, reusing one bitmap.</summary>
internal sealed class FrameFitter : IDisposable
{
    private readonly int _width;
    private readonly int _height;
    private readonly int _rotation;
    private SKBitmap? _target;

    /// <param name="width">Native width of the output.</param>
    /// <param name="height">Native height of the output.</param>
    /// <param name="rotation">Clockwise rotation of the picture on the output: 0, 90, 180 or 270.</param>
    public FrameFitter(int width, int height, int rotation = 0)
    {
        if (rotation is not (0 or 90 or 180 or 270))
        {
            throw new ArgumentOutOfRangeException(nameof(rotation), rotation, "rotation must be 0, 90, 180 or 270");
        }

        _width = width;
        _height = height;
        _rotation = rotation;
    }

    /// <summary>The frame as BGRA8888 at the native size: <paramref name="frame"/> itself when it already fits.</summary>
    public SKBitmap Fit(SKBitmap frame)
    {
        if (_rotation == 0 && frame.Width == _width && frame.Height == _height && frame.ColorType == SKColorType.Bgra8888)
        {
            return frame;
        }

        _target ??= new SKBitmap(new SKImageInfo(_width, _height, SKColorType.Bgra8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(_target);
        canvas.Clear(SKColors.Black);

        // Picture size as seen after rotation.
        var (viewW, viewH) = _rotation is 90 or 270 ? (_height, _width) : (_width, _height);
        var scale = Math.Min((float)viewW / frame.Width, (float)viewH / frame.Height);
        var drawW = frame.Width * scale;
        var drawH = frame.Height * scale;

        canvas.Translate(_width / 2f, _height / 2f);
        canvas.RotateDegrees(_rotation);
        using var image = SKImage.FromBitmap(frame);
        canvas.DrawImage(image, new SKRect(-drawW / 2, -drawH / 2, drawW / 2, drawH / 2), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        canvas.Flush();
        return _target;
    }

    public void Dispose() => _target?.Dispose();
}
