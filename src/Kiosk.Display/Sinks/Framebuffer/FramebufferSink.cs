using SkiaSharp;

using static Kiosk.Display.Sinks.Framebuffer.FramebufferInterop;

namespace Kiosk.Display.Sinks.Framebuffer;

/// <summary>
/// Draws frames into a memory-mapped Linux framebuffer (<c>/dev/fbN</c>): RGB565 or XRGB8888 (any channel offsets the
/// kernel reports), honouring a padded <c>line_length</c>. Frames are rendered off-screen and then written straight
/// into the mapping, so a half-drawn screen is never visible for long. A plain file can stand in for the device with the
/// geometry given explicitly (<see cref="OpenFile"/>).
/// </summary>
public sealed unsafe class FramebufferSink : IFrameSink
{
    private readonly int _fd;
    private readonly byte* _map;
    private readonly nuint _mapLength;
    private readonly FrameFitter _fitter;
    private bool _disposed;

    private FramebufferSink(string path, int fd, FramebufferGeometry geometry, nuint mapLength, int rotation)
    {
        geometry.Validate();
        Geometry = geometry;
        Name = $"fb:{path}";
        _fd = fd;
        _mapLength = mapLength;
        _fitter = new FrameFitter(geometry.Width, geometry.Height, rotation);
        var map = Mmap(null, mapLength, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == (void*)-1)
        {
            var error = LastError();
            Close(fd);
            throw new IOException($"mmap of {path} ({mapLength} bytes) failed: {error}");
        }

        _map = (byte*)map;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The framebuffer's geometry.</summary>
    public FramebufferGeometry Geometry { get; }

    /// <summary>Opens a framebuffer device and reads its geometry with <c>FBIOGET_VSCREENINFO</c> / <c>FBIOGET_FSCREENINFO</c>.</summary>
    /// <param name="devicePath">E.g. <c>/dev/fb0</c>.</param>
    /// <param name="rotation">Clockwise rotation of the picture: 0, 90, 180 or 270.</param>
    public static FramebufferSink OpenDevice(string devicePath = "/dev/fb0", int rotation = 0)
    {
        var fd = Open(devicePath, O_RDWR | O_CLOEXEC);
        if (fd < 0)
        {
            throw new IOException($"cannot open {devicePath}: {LastError()}");
        }

        try
        {
            FbVarScreeninfo var;
            FbFixScreeninfo fix;
            if (Ioctl(fd, FBIOGET_VSCREENINFO, &var) < 0)
            {
                throw new IOException($"FBIOGET_VSCREENINFO on {devicePath} failed: {LastError()}");
            }

            if (Ioctl(fd, FBIOGET_FSCREENINFO, &fix) < 0)
            {
                throw new IOException($"FBIOGET_FSCREENINFO on {devicePath} failed: {LastError()}");
            }

            var geometry = FromKernel(var, fix);
            var length = Math.Max(fix.SmemLen, (ulong)geometry.MappedLength);
            return new FramebufferSink(devicePath, fd, geometry, (nuint)length, rotation);
        }
        catch
        {
            Close(fd);
            throw;
        }
    }

    /// <summary>Maps a plain file standing in for a framebuffer (tests, simulation); grows it to the geometry's size.</summary>
    public static FramebufferSink OpenFile(string path, FramebufferGeometry geometry, int rotation = 0)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        geometry.Validate();
        using (var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite))
        {
            if (file.Length < geometry.MappedLength)
            {
                file.SetLength(geometry.MappedLength);
            }
        }

        var fd = Open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
        {
            throw new IOException($"cannot open {path}: {LastError()}");
        }

        return new FramebufferSink(path, fd, geometry, (nuint)geometry.MappedLength, rotation);
    }

    /// <summary>The geometry the kernel structures describe.</summary>
    internal static FramebufferGeometry FromKernel(in FbVarScreeninfo var, in FbFixScreeninfo fix)
    {
        var bpp = (int)var.BitsPerPixel;
        var start = (long)var.YOffset * fix.LineLength + (long)var.XOffset * (bpp / 8);
        return new FramebufferGeometry(
            (int)var.XRes,
            (int)var.YRes,
            bpp,
            (int)fix.LineLength,
            new((int)var.Red.Offset, (int)var.Red.Length),
            new((int)var.Green.Offset, (int)var.Green.Length),
            new((int)var.Blue.Offset, (int)var.Blue.Length),
            start);
    }

    /// <inheritdoc/>
    public void Present(SKBitmap frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var source = _fitter.Fit(frame);
        var g = Geometry;
        var src = (byte*)source.GetPixels();
        var srcStride = source.RowBytes;
        var dst = _map + g.StartOffset;

        if (g is { BitsPerPixel: 32, Red: { Offset: 16, Length: 8 }, Green: { Offset: 8, Length: 8 }, Blue: { Offset: 0, Length: 8 } })
        {
            // BGRA8888 in memory is XRGB8888 little-endian: copy rows.
            var rowBytes = (long)g.Width * 4;
            for (var y = 0; y < g.Height; y++)
            {
                Buffer.MemoryCopy(src + (long)y * srcStride, dst + (long)y * g.LineLength, rowBytes, rowBytes);
            }

            return;
        }

        WritePacked(src, srcStride, dst, g);
    }

    /// <summary>Any channel layout: pack each pixel's top bits at the channel offsets.</summary>
    private static void WritePacked(byte* src, int srcStride, byte* dst, FramebufferGeometry g)
    {
        int rShift = 8 - g.Red.Length, gShift = 8 - g.Green.Length, bShift = 8 - g.Blue.Length;
        int rOff = g.Red.Offset, gOff = g.Green.Offset, bOff = g.Blue.Offset;
        for (var y = 0; y < g.Height; y++)
        {
            var s = src + (long)y * srcStride;
            var d = dst + (long)y * g.LineLength;
            if (g.BitsPerPixel == 16)
            {
                var d16 = (ushort*)d;
                for (var x = 0; x < g.Width; x++, s += 4)
                {
                    d16[x] = (ushort)(((s[2] >> rShift) << rOff) | ((s[1] >> gShift) << gOff) | ((s[0] >> bShift) << bOff));
                }
            }
            else
            {
                var d32 = (uint*)d;
                for (var x = 0; x < g.Width; x++, s += 4)
                {
                    d32[x] = ((uint)(s[2] >> rShift) << rOff) | ((uint)(s[1] >> gShift) << gOff) | ((uint)(s[0] >> bShift) << bOff);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Munmap(_map, _mapLength);
        Close(_fd);
        _fitter.Dispose();
    }
}
