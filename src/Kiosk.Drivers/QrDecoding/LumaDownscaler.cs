using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kiosk.Drivers.QrDecoding;

/// <summary>
/// Box-filter downscaling of a luminance plane by an integer factor into a reused buffer (and the still path's
/// bilinear enlargement and light margin).
/// Averaging (rather than point sampling) acts as a low-pass filter: it removes sensor noise and
/// the screen moiré of a photographed phone display, which is what makes the small image cheap <em>and</em> readable.
/// </summary>
internal sealed class LumaDownscaler
{
    private byte[] _buffer = [];

    /// <summary>Downscales the window (<paramref name="left"/>, <paramref name="top"/>, <paramref name="width"/>, <paramref name="height"/>) by <paramref name="factor"/>.</summary>
    /// <returns>The plane (valid until the next call), its width and its height; stride = width.</returns>
    public (byte[] Pixels, int Width, int Height) Downscale(byte[] pixels, int stride, int left, int top, int width, int height, int factor)
    {
        var w = width / factor;
        var h = height / factor;
        if (_buffer.Length < w * h)
        {
            _buffer = new byte[w * h];
        }

        var output = _buffer;
        switch (factor)
        {
            case 2:
                for (var y = 0; y < h; y++)
                {
                    var r0 = (top + 2 * y) * stride + left;
                    var r1 = r0 + stride;
                    var o = y * w;
                    var x = HalveRowsVectorized(pixels, r0, r1, output, o, w);
                    for (; x < w; x++)
                    {
                        var i = 2 * x;
                        output[o + x] = (byte)((pixels[r0 + i] + pixels[r0 + i + 1] + pixels[r1 + i] + pixels[r1 + i + 1] + 2) >> 2);
                    }
                }

                break;
            default:
                var area = factor * factor;
                var rowSums = new int[w];
                for (var y = 0; y < h; y++)
                {
                    Array.Clear(rowSums);
                    for (var dy = 0; dy < factor; dy++)
                    {
                        var r = (top + y * factor + dy) * stride + left;
                        for (var x = 0; x < w; x++)
                        {
                            var p = r + x * factor;
                            var s = 0;
                            for (var dx = 0; dx < factor; dx++)
                            {
                                s += pixels[p + dx];
                            }

                            rowSums[x] += s;
                        }
                    }

                    var o = y * w;
                    for (var x = 0; x < w; x++)
                    {
                        output[o + x] = (byte)((rowSums[x] + area / 2) / area);
                    }
                }

                break;
        }

        return (output, w, h);
    }

    /// <summary>
    /// Enlarges the window by an integer factor with bilinear interpolation (pixel centres aligned), into the reused buffer:
    /// a symbol of 1–2 pixels per module becomes one ZXing's finder-pattern scan (which needs runs of whole pixels) can measure.
    /// </summary>
    public (byte[] Pixels, int Width, int Height) Upscale(byte[] pixels, int stride, int left, int top, int width, int height, int factor)
    {
        var w = width * factor;
        var h = height * factor;
        if (_buffer.Length < w * h)
        {
            _buffer = new byte[w * h];
        }

        var output = _buffer;
        var x0 = new int[w];
        var fx = new int[w];
        for (var x = 0; x < w; x++)
        {
            // Source position in 1/256 pixel: (x + 0.5) / factor - 0.5, clamped to the window.
            var s = Math.Clamp(((2 * x + 1) * 256 / factor - 256) / 2, 0, (width - 1) * 256);
            x0[x] = Math.Min(s >> 8, width - 2 < 0 ? 0 : width - 2);
            fx[x] = s - x0[x] * 256;
        }

        for (var y = 0; y < h; y++)
        {
            var s = Math.Clamp(((2 * y + 1) * 256 / factor - 256) / 2, 0, (height - 1) * 256);
            var y0 = Math.Min(s >> 8, height - 2 < 0 ? 0 : height - 2);
            var fy = s - y0 * 256;
            var r0 = (top + y0) * stride + left;
            var r1 = height > 1 ? r0 + stride : r0;
            var o = y * w;
            for (var x = 0; x < w; x++)
            {
                var a = x0[x];
                var b = width > 1 ? a + 1 : a;
                var f = fx[x];
                var upper = pixels[r0 + a] * (256 - f) + pixels[r0 + b] * f;
                var lower = pixels[r1 + a] * (256 - f) + pixels[r1 + b] * f;
                output[o + x] = (byte)((upper * (256 - fy) + lower * fy + 32768) >> 16);
            }
        }

        return (output, w, h);
    }

    /// <summary>
    /// Copies the window into the reused buffer inside a light margin of <paramref name="margin"/> pixels: a symbol cut at
    /// the edge of the image (a screenshot cropped to the code) gets back the quiet zone its finder patterns are found by.
    /// </summary>
    public (byte[] Pixels, int Width, int Height) Pad(byte[] pixels, int stride, int left, int top, int width, int height, int margin)
    {
        var w = width + 2 * margin;
        var h = height + 2 * margin;
        if (_buffer.Length < w * h)
        {
            _buffer = new byte[w * h];
        }

        var output = _buffer;
        Array.Fill(output, (byte)255, 0, w * h);
        for (var y = 0; y < height; y++)
        {
            Buffer.BlockCopy(pixels, (top + y) * stride + left, output, (y + margin) * w + margin, width);
        }

        return (output, w, h);
    }

    // 2 × 2 box average of two rows, 8 outputs per step: widen to 16 bits, add the rows, add neighbouring columns
    // (as the two halves of a 32-bit lane), round, narrow. Returns how many outputs were written.
    private static int HalveRowsVectorized(byte[] pixels, int row0, int row1, byte[] output, int outOffset, int count)
    {
        if (!Vector128.IsHardwareAccelerated)
        {
            return 0;
        }

        var x = 0;
        ref var src = ref MemoryMarshal.GetArrayDataReference(pixels);
        ref var dst = ref MemoryMarshal.GetArrayDataReference(output);
        var mask = Vector128.Create(0xFFFFu);
        var two = Vector128.Create((ushort)2);
        for (; x + 8 <= count; x += 8)
        {
            var a = Vector128.LoadUnsafe(ref src, (nuint)(row0 + 2 * x));
            var b = Vector128.LoadUnsafe(ref src, (nuint)(row1 + 2 * x));
            var (aLo, aHi) = Vector128.Widen(a);
            var (bLo, bHi) = Vector128.Widen(b);
            var lo = (aLo + bLo).AsUInt32();
            var hi = (aHi + bHi).AsUInt32();
            var sums = Vector128.Narrow((lo & mask) + (lo >> 16), (hi & mask) + (hi >> 16));
            var averaged = Vector128.ShiftRightLogical(sums + two, 2);
            var bytes = Vector128.Narrow(averaged, averaged);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, outOffset + x), bytes.AsUInt64().ToScalar());
        }

        return x;
    }
}
