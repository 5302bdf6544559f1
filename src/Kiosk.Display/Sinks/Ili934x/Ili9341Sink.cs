using System.Buffers.Binary;
using System.Drawing;
using Iot.Device.Ili934x;
using SkiaSharp;

namespace Kiosk.Display.Sinks.Ili934x;

/// <summary>
/// An SPI TFT panel driven by the ILI9341 (240×320, RGB565) through <see cref="Ili9341"/> of Iot.Device.Bindings.
/// The SkiaSharp adapter of dotnet/iot is not used: the sink converts the frame itself to the controller's pixel format
/// (16-bit RGB565, most significant byte first, as COLMOD 0x55 expects) and sends it with
/// <see cref="Ili9341.SendBitmapPixelData"/>.
/// </summary>
public sealed class Ili9341Sink : IFrameSink
{
    private readonly Ili9341 _display;
    private readonly bool _ownsDisplay;
    private readonly FrameFitter _fitter;
    private readonly byte[] _pixels;

    /// <param name="display">The panel.</param>
    /// <param name="rotation">Clockwise rotation of the picture: 90 (default) shows a landscape screen on the portrait panel.</param>
    /// <param name="ownsDisplay">Dispose the panel with the sink.</param>
    public Ili9341Sink(Ili9341 display, int rotation = 90, bool ownsDisplay = true)
    {
        _display = display ?? throw new ArgumentNullException(nameof(display));
        _ownsDisplay = ownsDisplay;
        _fitter = new FrameFitter(display.ScreenWidth, display.ScreenHeight, rotation);
        _pixels = new byte[display.ScreenWidth * display.ScreenHeight * 2];
    }

    /// <inheritdoc/>
    public string Name => "spi:ili9341";

    /// <inheritdoc/>
    public void Present(SKBitmap frame)
    {
        var source = _fitter.Fit(frame);
        ToRgb565BigEndian(source, _pixels);
        _display.SendBitmapPixelData(_pixels, new Rectangle(0, 0, _display.ScreenWidth, _display.ScreenHeight));
    }

    /// <summary>BGRA8888 → RGB565, two bytes per pixel, most significant byte first.</summary>
    internal static unsafe void ToRgb565BigEndian(SKBitmap source, Span<byte> destination)
    {
        var width = source.Width;
        var height = source.Height;
        if (destination.Length < width * height * 2)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }

        var src = (byte*)source.GetPixels();
        for (var y = 0; y < height; y++)
        {
            var row = src + (long)y * source.RowBytes;
            var line = destination.Slice(y * width * 2, width * 2);
            for (var x = 0; x < width; x++)
            {
                var p = row + x * 4;
                var value = (ushort)(((p[2] >> 3) << 11) | ((p[1] >> 2) << 5) | (p[0] >> 3));
                BinaryPrimitives.WriteUInt16BigEndian(line.Slice(x * 2, 2), value);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _fitter.Dispose();
        if (_ownsDisplay)
        {
            _display.Dispose();
        }
    }
}
