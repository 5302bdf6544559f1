namespace HealthCode.Formats;

/// <summary>The 16-byte code identity (claim <c>id</c>): stable for one person across QR refreshes.</summary>
/// <remarks>Held as two 64-bit halves so a million of them fit in a compact in-memory table.
/// <see cref="ToString"/> deliberately does not print the value (privacy).</remarks>
public readonly record struct CodeId(ulong High, ulong Low)
{
    public const int Length = Id128.Length;

    public static CodeId FromBytes(ReadOnlySpan<byte> bytes)
    {
        var (high, low) = Id128.Read(bytes, "A code id is exactly 16 bytes.");
        return new CodeId(high, low);
    }

    public void WriteTo(Span<byte> destination) => Id128.Write(destination, High, Low);

    public byte[] ToArray() => Id128.ToArray(High, Low);

    /// <summary>Never reveals the id: ids must not reach logs.</summary>
    public override string ToString() => "CodeId(redacted)";
}
