namespace Kiosk.Drivers.QrDecoding;

/// <summary>
/// Decides whether a frame differs from the last frame that was decoded, from a coarse thumbnail:
/// the frame is cut into <see cref="Columns"/> × <see cref="Rows"/> cells and each cell is the mean of a
/// 4 × 4 grid of sampled pixels (about 9 000 reads for any resolution). A cell has changed when it differs
/// from the reference by more than the threshold after removing the global brightness shift (flicker,
/// auto-exposure); the frame has changed when enough cells have.
/// </summary>
internal sealed class MotionGate(int cellThreshold, int minChangedCells)
{
    public const int Columns = 32;
    public const int Rows = 18;
    private const int Samples = 4;

    private readonly int[] _current = new int[Columns * Rows];
    private readonly int[] _reference = new int[Columns * Rows];
    private bool _hasReference;
    private int _refWidth;
    private int _refHeight;

    /// <summary>True when the frame is (nearly) the same picture as the reference. Does not change the reference.</summary>
    public bool IsUnchanged(byte[] pixels, int width, int height, int stride)
    {
        Sample(pixels, width, height, stride, _current);
        if (!_hasReference || width != _refWidth || height != _refHeight)
        {
            return false;
        }

        long shift = 0;
        for (var i = 0; i < _current.Length; i++)
        {
            shift += _current[i] - _reference[i];
        }

        var mean = (int)(shift / _current.Length);
        var changed = 0;
        for (var i = 0; i < _current.Length; i++)
        {
            if (Math.Abs(_current[i] - _reference[i] - mean) > cellThreshold && ++changed >= minChangedCells)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Makes the thumbnail of the last <see cref="IsUnchanged"/> call the reference.</summary>
    public void Accept(int width, int height)
    {
        Array.Copy(_current, _reference, _current.Length);
        _refWidth = width;
        _refHeight = height;
        _hasReference = true;
    }

    /// <summary>Forgets the reference: the next frame counts as changed.</summary>
    public void Reset() => _hasReference = false;

    // The 16 sample offsets of every cell, computed once per frame geometry: the per-frame work is the 9 216 reads and sums.
    private int[] _offsets = [];
    private (int Width, int Height, int Stride) _geometry;

    private void Sample(byte[] pixels, int width, int height, int stride, int[] cells)
    {
        if (_geometry != (width, height, stride))
        {
            _offsets = Offsets(width, height, stride);
            _geometry = (width, height, stride);
        }

        var offsets = _offsets;
        for (var cell = 0; cell < cells.Length; cell++)
        {
            var sum = 0;
            var o = cell * Samples * Samples;
            for (var k = 0; k < Samples * Samples; k++)
            {
                sum += pixels[offsets[o + k]];
            }

            cells[cell] = sum / (Samples * Samples);
        }
    }

    private static int[] Offsets(int width, int height, int stride)
    {
        var offsets = new int[Columns * Rows * Samples * Samples];
        var i = 0;
        for (var cy = 0; cy < Rows; cy++)
        {
            var y0 = cy * height / Rows;
            var ch = Math.Max(1, (cy + 1) * height / Rows - y0);
            for (var cx = 0; cx < Columns; cx++)
            {
                var x0 = cx * width / Columns;
                var cw = Math.Max(1, (cx + 1) * width / Columns - x0);
                for (var sy = 0; sy < Samples; sy++)
                {
                    var row = (y0 + (2 * sy + 1) * ch / (2 * Samples)) * stride + x0;
                    for (var sx = 0; sx < Samples; sx++)
                    {
                        offsets[i++] = row + (2 * sx + 1) * cw / (2 * Samples);
                    }
                }
            }
        }

        return offsets;
    }
}
