using ZXing.Common;

namespace Kiosk.Drivers.QrDecoding;

/// <summary>
/// ZXing's <see cref="HybridBinarizer"/> algorithm (8 × 8 blocks, black point per block from its mean or, in flat
/// blocks, half its minimum pulled towards the neighbours, threshold = mean of the 5 × 5 surrounding black points),
/// reimplemented to read the luminance plane in place (stride and window, no copy of the pixels) and to reuse its
/// buffers between frames. Bit-for-bit the same matrix as ZXing's (tested); images under 40 pixels are left to ZXing.
/// </summary>
internal sealed class PlaneHybridBinarizer
{
    private const int Block = 8;
    private const int MinDynamicRange = 24;
    private int[] _blackPoints = [];
    private int[] _words = [];

    /// <summary>The black matrix of the window, or null when it is smaller than 40 × 40 (use ZXing's fallback then).</summary>
    public BitMatrix? Binarize(byte[] pixels, int stride, int left, int top, int width, int height)
    {
        if (width < 40 || height < 40)
        {
            return null;
        }

        var subWidth = (width + Block - 1) / Block;
        var subHeight = (height + Block - 1) / Block;
        if (_blackPoints.Length < subWidth * subHeight)
        {
            _blackPoints = new int[subWidth * subHeight];
        }

        var rowSize = (width + 31) >> 5;
        if (_words.Length < rowSize * height)
        {
            _words = new int[rowSize * height];
        }
        else
        {
            Array.Clear(_words, 0, rowSize * height);
        }

        BlackPoints(pixels, stride, left, top, width, height, subWidth, subHeight);
        Threshold(pixels, stride, left, top, width, height, subWidth, subHeight, rowSize);

        var matrix = new BitMatrix(width, height);
        var row = new BitArray(width);
        var rowWords = row.Array;
        for (var y = 0; y < height; y++)
        {
            Array.Copy(_words, y * rowSize, rowWords, 0, rowSize);
            matrix.setRow(y, row);
        }

        return matrix;
    }

    private void BlackPoints(byte[] pixels, int stride, int left, int top, int width, int height, int subWidth, int subHeight)
    {
        var maxYOffset = height - Block;
        var maxXOffset = width - Block;
        var points = _blackPoints;
        for (var y = 0; y < subHeight; y++)
        {
            var yOffset = Math.Min(y * Block, maxYOffset);
            for (var x = 0; x < subWidth; x++)
            {
                var xOffset = Math.Min(x * Block, maxXOffset);
                int sum = 0, min = 255, max = 0;
                var offset = (top + yOffset) * stride + left + xOffset;
                for (var yy = 0; yy < Block; yy++, offset += stride)
                {
                    for (var xx = 0; xx < Block; xx++)
                    {
                        int p = pixels[offset + xx];
                        sum += p;
                        min = p < min ? p : min;
                        max = p > max ? p : max;
                    }
                }

                var average = sum >> 6;
                if (max - min <= MinDynamicRange)
                {
                    // A flat block: assume it is background (white) unless the neighbours say it is in a dark region.
                    average = min / 2;
                    if (y > 0 && x > 0)
                    {
                        var neighbours = (points[(y - 1) * subWidth + x] + 2 * points[y * subWidth + x - 1] + points[(y - 1) * subWidth + x - 1]) / 4;
                        if (min < neighbours)
                        {
                            average = neighbours;
                        }
                    }
                }

                points[y * subWidth + x] = average;
            }
        }
    }

    private void Threshold(byte[] pixels, int stride, int left, int top, int width, int height, int subWidth, int subHeight, int rowSize)
    {
        var maxYOffset = height - Block;
        var maxXOffset = width - Block;
        var points = _blackPoints;
        var words = _words;
        for (var y = 0; y < subHeight; y++)
        {
            var yOffset = Math.Min(y * Block, maxYOffset);
            var cy = Math.Clamp(y, 2, subHeight - 3);
            for (var x = 0; x < subWidth; x++)
            {
                var xOffset = Math.Min(x * Block, maxXOffset);
                var cx = Math.Clamp(x, 2, subWidth - 3);
                var sum = 0;
                for (var z = -2; z <= 2; z++)
                {
                    var r = (cy + z) * subWidth + cx;
                    sum += points[r - 2] + points[r - 1] + points[r] + points[r + 1] + points[r + 2];
                }

                var threshold = sum / 25;
                var offset = (top + yOffset) * stride + left + xOffset;
                for (var yy = 0; yy < Block; yy++, offset += stride)
                {
                    var wordRow = (yOffset + yy) * rowSize;
                    for (var xx = 0; xx < Block; xx++)
                    {
                        if (pixels[offset + xx] <= threshold)
                        {
                            var bx = xOffset + xx;
                            words[wordRow + (bx >> 5)] |= 1 << (bx & 31);
                        }
                    }
                }
            }
        }
    }
}
