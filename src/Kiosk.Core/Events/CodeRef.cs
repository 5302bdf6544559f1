using System.Security.Cryptography;
using System.Text;
using HealthCode.Formats;
using HealthCode.Formats.Identity;

namespace Kiosk.Core.Events;

/// <summary>
/// <c>codeRef</c> of mqtt.md: HMAC-SHA256 of (issuer, id) under a per-site secret, cut to 16 hex characters.
/// The message is UTF-8(issuer) ‖ 0x00 ‖ id (16 bytes): the zero byte keeps issuer and id apart. On the card path
/// (identity.md) the same HMAC runs over <c>card</c> ‖ 0x00 ‖ docRef (16 bytes).
/// </summary>
public sealed class CodeRefHasher
{
    private readonly byte[] _secret;

    public CodeRefHasher(ReadOnlySpan<byte> siteSecret)
    {
        if (siteSecret.Length < 16)
        {
            throw new ArgumentException("The site secret must be at least 16 bytes.", nameof(siteSecret));
        }

        _secret = siteSecret.ToArray();
    }

    /// <summary>The domain of card-path codeRefs (identity.md): <c>card</c> stands where a code's issuer would.</summary>
    public const string CardDomain = "card";

    public string Compute(string issuer, CodeId id)
    {
        Span<byte> bytes = stackalloc byte[CodeId.Length];
        id.WriteTo(bytes);
        return Compute(issuer, bytes);
    }

    /// <summary>The codeRef of a card-path decision: HMAC over <c>card</c> ‖ 0x00 ‖ docRef.</summary>
    public string Compute(DocRef docRef)
    {
        Span<byte> bytes = stackalloc byte[DocRef.Length];
        docRef.WriteTo(bytes);
        return Compute(CardDomain, bytes);
    }

    private string Compute(string issuer, ReadOnlySpan<byte> id)
    {
        var issuerBytes = Encoding.UTF8.GetByteCount(issuer);
        Span<byte> message = issuerBytes + 1 + id.Length <= 256 ? stackalloc byte[issuerBytes + 1 + id.Length] : new byte[issuerBytes + 1 + id.Length];
        Encoding.UTF8.GetBytes(issuer, message);
        message[issuerBytes] = 0;
        id.CopyTo(message[(issuerBytes + 1)..]);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_secret, message, mac);
        return Convert.ToHexStringLower(mac[..8]);
    }
}
