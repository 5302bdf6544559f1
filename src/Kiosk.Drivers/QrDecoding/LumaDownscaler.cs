using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kiosk.Drivers.QrDecoding;

/// <summary>
/// Box-filter downscaling of a luminance plane by an integer factor into a reused buffer.
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
