using System.Buffers.Binary;

namespace HealthCode.Formats;

/// <summary>
/// The 16-byte values held as two 64-bit halves (<see cref="CodeId"/>, <see cref="Identity.DocRef"/>): on the wire the
/// high half then the low half, each big-endian.
/// </summary>
internal static class Id128
{
    public const int Length = 16;

    /// <summary>The two halves of exactly 16 bytes.</summary>
    /// <exception cref="ArgumentException">Not 16 bytes; <paramref name="wrongLength"/> is the message.</exception>
    public static (ulong High, ulong Low) Read(ReadOnlySpan<byte> bytes, string wrongLength)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException(wrongLength, nameof(bytes));
        }

        return (BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    /// <summary>Writes the 16 bytes at the start of <paramref name="destination"/>.</summary>
    public static void Write(Span<byte> destination, ulong high, ulong low)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], low);
    }

    /// <summary>The 16 bytes in a new array.</summary>
    public static byte[] ToArray(ulong high, ulong low)
    {
        var bytes = new byte[Length];
        Write(bytes, high, low);
        return bytes;
    }
}
