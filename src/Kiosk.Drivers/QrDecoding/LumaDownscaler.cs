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
                    for (var x = 0; x < w; x++)
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
}
