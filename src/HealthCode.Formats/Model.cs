using System.Buffers.Binary;

namespace HealthCode.Formats;

/// <summary>Color of a health code (claim <c>c</c>): 0 green, 1 yellow, 2 red. Never shown, never logged.</summary>
public enum HealthColor : byte
{
    Green = 0,
    Yellow = 1,
    Red = 2,
}

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

/// <summary>One color statement: from a code's own claim or from a feed record.</summary>
/// <param name="Issuer">Region of the issuer (<c>iss</c>), e.g. <c>CN-HL</c>.</param>
/// <param name="Id">Code identity.</param>
/// <param name="Color">The color.</param>
/// <param name="ColorTime">Epoch seconds at which the color took effect (<c>ct</c>).</param>
public readonly record struct ColorRecord(string Issuer, CodeId Id, HealthColor Color, long ColorTime);

/// <summary>One color statement about a person known by ID card (a feed's <c>docRecords</c> entry, identity.md).</summary>
/// <param name="DocRef">The card as a docRef.</param>
/// <param name="Color">The color.</param>
/// <param name="ColorTime">Epoch seconds at which the color took effect (<c>ct</c>).</param>
public readonly record struct DocumentRecord(Identity.DocRef DocRef, HealthColor Color, long ColorTime)
{
    /// <summary>Never prints the docRef or the color (privacy).</summary>
    public override string ToString() => "DocumentRecord(redacted)";
}

/// <summary>Verdict of one code, exactly the table of <c>health-code.md</c>.</summary>
public enum CodeVerdict
{
    Valid,
    NotACode,
    Malformed,
    Untrusted,
    Expired,
    NotYetValid,
}

/// <summary>Claim -1001 of a health code (health-code.md), already decoded and type-checked.</summary>
/// <param name="Id">Code identity.</param>
/// <param name="Color">Color at issue.</param>
/// <param name="ColorTime">Epoch seconds at which that color took effect (<c>ct</c>).</param>
/// <param name="MaskedName">Holder name as masked by the issuer.</param>
/// <param name="Proxy">Registered on the holder's behalf (<c>p</c>).</param>
/// <param name="Document">The holder's ID card as a docRef (<c>d</c>, identity.md), when the code carries one.</param>
public sealed record HealthCodeClaim(CodeId Id, HealthColor Color, long ColorTime, string MaskedName, bool Proxy, Identity.DocRef? Document = null)
{
    /// <summary>Never prints the name, id or color (privacy).</summary>
    public override string ToString() => "HealthCodeClaim(redacted)";
}
