using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Kiosk.Display.Sinks.Framebuffer;
using SkiaSharp;

namespace Kiosk.Display.Tests;

/// <summary>The framebuffer sink against a plain file standing in for /dev/fb0.</summary>
public sealed class FramebufferSinkTests : IDisposable
{
    private const byte Fill = 0xA5;
    private readonly string _dir = Directory.CreateTempSubdirectory("kiosk-fb-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SKBitmap TestFrame(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Bgra8888, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(0x10, 0x20, 0x30));
        bitmap.SetPixel(0, 0, new SKColor(0xFF, 0x00, 0x00));
        bitmap.SetPixel(1, 0, new SKColor(0x00, 0xFF, 0x00));
        bitmap.SetPixel(2, 0, new SKColor(0x00, 0x00, 0xFF));
        bitmap.SetPixel(width - 1, height - 1, new SKColor(0x12, 0x34, 0x56));
        bitmap.SetPixel(5, 3, new SKColor(0xFF, 0xFF, 0xFF));
        return bitmap;
    }

    private string PrefilledFile(long length)
    {
        var path = Path.Combine(_dir, "fb0");
        File.WriteAllBytes(path, Enumerable.Repeat(Fill, (int)length).ToArray());
        return path;
    }

    [Fact]
    public void Rgb565WithPaddedLinesWritesExactBytesAndLeavesThePadding()
    {
        const int w = 40, h = 20, line = 96; // 80 bytes of pixels + 16 bytes padding per line
        var geometry = FramebufferGeometry.Rgb565(w, h, line);
        var path = PrefilledFile(geometry.MappedLength);
        using (var sink = FramebufferSink.OpenFile(path, geometry))
        using (var frame = TestFrame(w, h))
        {
            sink.Present(frame);
        }

        var bytes = File.ReadAllBytes(path);
        ushort At(int x, int y) => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(y * line + x * 2));
        Assert.Equal(0xF800, At(0, 0));                    // red
        Assert.Equal(0x07E0, At(1, 0));                    // green
        Assert.Equal(0x001F, At(2, 0));                    // blue
        Assert.Equal(0xFFFF, At(5, 3));                    // white
        Assert.Equal((0x10 >> 3) << 11 | (0x20 >> 2) << 5 | (0x30 >> 3), At(7, 7));
        Assert.Equal((0x12 >> 3) << 11 | (0x34 >> 2) << 5 | (0x56 >> 3), At(w - 1, h - 1));
        Assert.Equal(0x00, bytes[0]);                      // little-endian low byte of F800
        Assert.Equal(0xF8, bytes[1]);
        for (var y = 0; y < h; y++)
        {
            Assert.All(bytes.AsSpan(y * line + w * 2, line - w * 2).ToArray(), b => Assert.Equal(Fill, b));
        }
    }

    [Fact]
    public void Xrgb8888WithPaddedLinesWritesExactBytesAndLeavesThePadding()
    {
        const int w = 33, h = 9, line = 33 * 4 + 12;
        var geometry = FramebufferGeometry.Xrgb8888(w, h, line);
        var path = PrefilledFile(geometry.MappedLength);
        using (var sink = FramebufferSink.OpenFile(path, geometry))
        using (var frame = TestFrame(w, h))
        {
            sink.Present(frame);
        }

        var bytes = File.ReadAllBytes(path);
        byte[] Px(int x, int y) => bytes.AsSpan(y * line + x * 4, 3).ToArray(); // B, G, R (X is not looked at by the panel)
        Assert.Equal(new byte[] { 0x00, 0x00, 0xFF }, Px(0, 0));
        Assert.Equal(new byte[] { 0x00, 0xFF, 0x00 }, Px(1, 0));
        Assert.Equal(new byte[] { 0xFF, 0x00, 0x00 }, Px(2, 0));
        Assert.Equal(new byte[] { 0x30, 0x20, 0x10 }, Px(4, 4));
        Assert.Equal(new byte[] { 0x56, 0x34, 0x12 }, Px(w - 1, h - 1));
        for (var y = 0; y < h; y++)
        {
            Assert.All(bytes.AsSpan(y * line + w * 4, line - w * 4).ToArray(), b => Assert.Equal(Fill, b));
        }
    }

    [Fact]
    public void BgrChannelOrderFromTheKernelIsHonoured()
    {
        const int w = 8, h = 4;
        var geometry = new FramebufferGeometry(w, h, 32, w * 4, Red: new(0, 8), Green: new(8, 8), Blue: new(16, 8));
        var path = PrefilledFile(geometry.MappedLength);
        using (var sink = FramebufferSink.OpenFile(path, geometry))
        using (var frame = TestFrame(w, h))
        {
            sink.Present(frame);
        }

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(0x000000FFu, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(0)));  // red in the low byte
        Assert.Equal(0x00FF0000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));  // blue in the third byte
    }

    [Fact]
    public void AFrameOfAnotherSizeIsScaledToTheFramebuffer()
    {
        var geometry = FramebufferGeometry.Xrgb8888(100, 60);
        var path = PrefilledFile(geometry.MappedLength);
        using var sink = FramebufferSink.OpenFile(path, geometry);
        using var frame = new SKBitmap(new SKImageInfo(200, 120, SKColorType.Bgra8888, SKAlphaType.Opaque));
        frame.Erase(new SKColor(0x20, 0x40, 0x80));
        sink.Present(frame);
        sink.Dispose();

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x80, 0x40, 0x20 }, bytes.AsSpan((30 * 100 + 50) * 4, 3).ToArray());
    }

    [Fact]
    public void KernelStructuresHaveTheLinuxSizesAndMapToTheGeometry()
    {
        Assert.Equal(160, Marshal.SizeOf<FramebufferInterop.FbVarScreeninfo>());
        Assert.Equal(IntPtr.Size == 8 ? 80 : 68, Marshal.SizeOf<FramebufferInterop.FbFixScreeninfo>());
        Assert.Equal(IntPtr.Size == 8 ? 48 : 44, (int)Marshal.OffsetOf<FramebufferInterop.FbFixScreeninfo>(nameof(FramebufferInterop.FbFixScreeninfo.LineLength)));

        var var = new FramebufferInterop.FbVarScreeninfo
        {
            XRes = 800, YRes = 480, BitsPerPixel = 16, YOffset = 480,
            Red = new() { Offset = 11, Length = 5 }, Green = new() { Offset = 5, Length = 6 }, Blue = new() { Offset = 0, Length = 5 },
        };
        var fix = new FramebufferInterop.FbFixScreeninfo { LineLength = 1664 };
        var g = FramebufferSink.FromKernel(var, fix);
        Assert.Equal(FramebufferGeometry.Rgb565(800, 480, 1664) with { StartOffset = 480L * 1664 }, g);
    }

    [Fact]
    public void AnUnsupportedDepthOrAMissingDeviceFailsWithAClearError()
    {
        Assert.Throws<NotSupportedException>(() => FramebufferSink.OpenFile(Path.Combine(_dir, "fb24"), new FramebufferGeometry(8, 8, 24, 24, new(16, 8), new(8, 8), new(0, 8))));
        var ex = Assert.Throws<IOException>(() => FramebufferSink.OpenDevice(Path.Combine(_dir, "no-such-fb")));
        Assert.Contains("no-such-fb", ex.Message, StringComparison.Ordinal);
    }
}
