namespace Kiosk.Display.Sinks.Framebuffer;

/// <summary>
/// Geometry of a Linux framebuffer: what <c>FBIOGET_VSCREENINFO</c> and <c>FBIOGET_FSCREENINFO</c> report, or what a test
/// gives for a plain file standing in for <c>/dev/fb0</c>. Pixels are little-endian values of <see cref="BitsPerPixel"/>.
/// </summary>
/// <param name="Width">Visible width (<c>xres</c>).</param>
/// <param name="Height">Visible height (<c>yres</c>).</param>
/// <param name="BitsPerPixel">16 or 32.</param>
/// <param name="LineLength">Bytes per line (<c>line_length</c>), may be padded beyond Width × bytes per pixel.</param>
/// <param name="Red">Red channel.</param>
/// <param name="Green">Green channel.</param>
/// <param name="Blue">Blue channel.</param>
/// <param name="StartOffset">Byte offset of the visible area (<c>yoffset</c> × line_length + <c>xoffset</c> × bytes per pixel).</param>
public sealed record FramebufferGeometry(
    int Width,
    int Height,
    int BitsPerPixel,
    int LineLength,
    FramebufferChannel Red,
    FramebufferChannel Green,
    FramebufferChannel Blue,
    long StartOffset = 0)
{
    /// <summary>Bytes per pixel.</summary>
    public int BytesPerPixel => BitsPerPixel / 8;

    /// <summary>Bytes the visible area spans from the start of the mapping.</summary>
    public long MappedLength => StartOffset + (long)LineLength * Height;

    /// <summary>RGB565 (r 11/5, g 5/6, b 0/5), the usual 16-bit panel format.</summary>
    public static FramebufferGeometry Rgb565(int width, int height, int? lineLength = null) =>
        new(width, height, 16, lineLength ?? width * 2, new(11, 5), new(5, 6), new(0, 5));

    /// <summary>XRGB8888 (r 16/8, g 8/8, b 0/8): bytes B, G, R, X in memory.</summary>
    public static FramebufferGeometry Xrgb8888(int width, int height, int? lineLength = null) =>
        new(width, height, 32, lineLength ?? width * 4, new(16, 8), new(8, 8), new(0, 8));

    /// <summary>Checks the geometry is one this sink can draw.</summary>
    public void Validate()
    {
        if (Width <= 0 || Height <= 0)
        {
            throw new InvalidDataException($"framebuffer size {Width}x{Height} is not positive");
        }

        if (BitsPerPixel is not (16 or 32))
        {
            throw new NotSupportedException($"framebuffer depth {BitsPerPixel} bpp is not supported (16 or 32)");
        }

        if (LineLength < Width * BytesPerPixel)
        {
            throw new InvalidDataException($"framebuffer line_length {LineLength} is shorter than {Width} pixels of {BytesPerPixel} bytes");
        }

        foreach (var c in new[] { Red, Green, Blue })
        {
            if (c.Length is < 1 or > 8 || c.Offset < 0 || c.Offset + c.Length > BitsPerPixel)
            {
                throw new InvalidDataException($"framebuffer channel offset {c.Offset} length {c.Length} does not fit {BitsPerPixel} bpp");
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Width}x{Height} {BitsPerPixel}bpp line {LineLength} r{Red.Offset}/{Red.Length} g{Green.Offset}/{Green.Length} b{Blue.Offset}/{Blue.Length}";
}
