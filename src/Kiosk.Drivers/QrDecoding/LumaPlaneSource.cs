using ZXing;

namespace Kiosk.Drivers.QrDecoding;

/// <summary>
/// A ZXing <see cref="LuminanceSource"/> over an 8-bit luminance plane with a stride and a crop window.
/// No copy is made when the window is the whole, unpadded plane; otherwise rows are copied on demand.
/// </summary>
public sealed class LumaPlaneSource : LuminanceSource
{
    private readonly byte[] _pixels;
    private readonly int _stride;
    private readonly int _left;
    private readonly int _top;

    /// <summary>A window of <paramref name="width"/> × <paramref name="height"/> pixels at (<paramref name="left"/>, <paramref name="top"/>) of a plane.</summary>
    public LumaPlaneSource(byte[] pixels, int stride, int left, int top, int width, int height)
        : base(width, height)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0 || left < 0 || top < 0 || stride < left + width)
        {
            throw new ArgumentOutOfRangeException(nameof(width), "The window must lie inside the plane.");
        }

        if ((long)(top + height - 1) * stride + left + width > pixels.Length)
        {
            throw new ArgumentException("The plane is smaller than stride × height.", nameof(pixels));
        }

        _pixels = pixels;
        _stride = stride;
        _left = left;
        _top = top;
    }

    /// <summary>The whole plane.</summary>
    public LumaPlaneSource(byte[] pixels, int width, int height, int stride)
        : this(pixels, stride, 0, 0, width, height)
    {
    }

    internal byte[] Plane => _pixels;

    internal int PlaneStride => _stride;

    internal int Left => _left;

    internal int Top => _top;

    /// <inheritdoc />
    public override byte[] getRow(int y, byte[] row)
    {
        if ((uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(y));
        }

        if (row is null || row.Length < Width)
        {
            row = new byte[Width];
        }

        Buffer.BlockCopy(_pixels, (_top + y) * _stride + _left, row, 0, Width);
        return row;
    }

    /// <inheritdoc />
    public override byte[] Matrix
    {
        get
        {
            if (_left == 0 && _top == 0 && _stride == Width && _pixels.Length == Width * Height)
            {
                return _pixels;
            }

            var matrix = new byte[Width * Height];
            for (var y = 0; y < Height; y++)
            {
                Buffer.BlockCopy(_pixels, (_top + y) * _stride + _left, matrix, y * Width, Width);
            }

            return matrix;
        }
    }

    /// <inheritdoc />
    public override bool CropSupported => true;

    /// <inheritdoc />
    public override LuminanceSource crop(int left, int top, int width, int height) =>
        new LumaPlaneSource(_pixels, _stride, _left + left, _top + top, width, height);
}
