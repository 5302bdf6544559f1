using System.Security.Cryptography;
using System.Text;

namespace HealthCode.Formats.Identity;

/// <summary>
/// A resident ID card as codes and color records name it (identity.md, "The document reference"): the first 16 bytes
/// of HMAC-SHA256(docKey, <c>CN-RIC</c> ‖ 0x00 ‖ the 18-character number in ASCII, <c>X</c> upper case).
/// </summary>
/// <remarks>Held as two 64-bit halves like <see cref="CodeId"/>. <see cref="ToString"/> never prints the value (privacy).</remarks>
public readonly record struct DocRef(ulong High, ulong Low)
{
    /// <summary>A docRef is 16 bytes.</summary>
    public const int Length = Id128.Length;

    /// <summary>A docKey is 32 bytes.</summary>
    public const int KeyLength = 32;

    private static ReadOnlySpan<byte> Domain => "CN-RIC"u8;

    /// <summary>Reads a 16-byte docRef.</summary>
    /// <exception cref="ArgumentException">Not 16 bytes.</exception>
    public static DocRef FromBytes(ReadOnlySpan<byte> bytes)
    {
        var (high, low) = Id128.Read(bytes, "A docRef is exactly 16 bytes.");
        return new DocRef(high, low);
    }

    /// <summary>The docRef of a citizen number under <paramref name="docKey"/>.</summary>
    /// <param name="docKey">The national docKey, 32 bytes.</param>
    /// <param name="citizenNumber">The 18-character number; a lower-case <c>x</c> is taken as <c>X</c>.</param>
    /// <exception cref="ArgumentException">The key is not 32 bytes or the number is not 18 ASCII characters.</exception>
    public static DocRef Compute(ReadOnlySpan<byte> docKey, string citizenNumber)
    {
        ArgumentNullException.ThrowIfNull(citizenNumber);
        if (docKey.Length != KeyLength)
        {
            throw new ArgumentException("A docKey is exactly 32 bytes.", nameof(docKey));
        }

        if (citizenNumber.Length != 18 || !Ascii.IsValid(citizenNumber))
        {
            throw new ArgumentException("A citizen number is 18 ASCII characters.", nameof(citizenNumber));
        }

        Span<byte> message = stackalloc byte[Domain.Length + 1 + 18];
        Domain.CopyTo(message);
        message[Domain.Length] = 0;
        var number = message[(Domain.Length + 1)..];
        for (var i = 0; i < 18; i++)
        {
            var c = citizenNumber[i];
            number[i] = (byte)(c == 'x' ? 'X' : c);
        }

        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(docKey, message, mac);
        return FromBytes(mac[..Length]);
    }

    /// <summary>Writes the 16 bytes.</summary>
    public void WriteTo(Span<byte> destination) => Id128.Write(destination, High, Low);

    /// <summary>The 16 bytes.</summary>
    public byte[] ToArray() => Id128.ToArray(High, Low);

    /// <summary>Never reveals the value: docRefs must not reach logs.</summary>
    public override string ToString() => "DocRef(redacted)";
}
