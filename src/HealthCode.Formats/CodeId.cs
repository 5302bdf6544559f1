using System.Buffers.Binary;

namespace HealthCode.Formats;

/// <summary>The 16-byte code identity (claim <c>id</c>): stable for one person across QR refreshes.</summary>
/// <remarks>Held as two 64-bit halves so a million of them fit in a compact in-memory table.
/// <see cref="ToString"/> deliberately does not print the value (privacy).</remarks>
public readonly record struct CodeId(ulong High, ulong Low)
{
    public const int Length = 16;

    public static CodeId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException("A code id is exactly 16 bytes.", nameof(bytes));
        }

        return new CodeId(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Never reveals the id: ids must not reach logs.</summary>
    public override string ToString() => "CodeId(redacted)";
}
