using System.Security.Cryptography;
using System.Text;
using HealthCode.Formats;

namespace Kiosk.Service.Events;

/// <summary>
/// <c>codeRef</c> of mqtt.md: HMAC-SHA256 of (issuer, id) under a per-site secret, cut to 16 hex characters.
/// The message is UTF-8(issuer) ‖ 0x00 ‖ id (16 bytes): the zero byte keeps issuer and id apart.
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

    public string Compute(string issuer, CodeId id)
    {
        var issuerBytes = Encoding.UTF8.GetByteCount(issuer);
        Span<byte> message = issuerBytes + 1 + CodeId.Length <= 256 ? stackalloc byte[issuerBytes + 1 + CodeId.Length] : new byte[issuerBytes + 1 + CodeId.Length];
        Encoding.UTF8.GetBytes(issuer, message);
        message[issuerBytes] = 0;
        id.WriteTo(message[(issuerBytes + 1)..]);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_secret, message, mac);
        return Convert.ToHexStringLower(mac[..8]);
    }
}
