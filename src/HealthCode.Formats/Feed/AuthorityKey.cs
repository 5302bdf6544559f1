using System.Security.Cryptography;

namespace HealthCode.Formats.Feed;

/// <summary>The pinned authority public key (P-256, ES256) that signs every feed message.</summary>
public static class AuthorityKey
{
    /// <summary>Parses a base64 SubjectPublicKeyInfo DER of a P-256 key.</summary>
    /// <exception cref="FormatException">Not base64, not an SPKI, or not a P-256 key.</exception>
    public static ECDsa FromBase64Spki(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        byte[] der;
        try
        {
            der = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new FormatException("authority key is not base64");
        }

        return FromSpki(der);
    }

    /// <summary>Parses a SubjectPublicKeyInfo DER of a P-256 key.</summary>
    /// <exception cref="FormatException">Not an SPKI of a P-256 key.</exception>
    public static ECDsa FromSpki(ReadOnlySpan<byte> der)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(der, out var read);
            if (read != der.Length)
            {
                throw new FormatException("authority key has trailing bytes after the SubjectPublicKeyInfo");
            }

            if (!PublicKeys.IsP256(key))
            {
                throw new FormatException($"authority key is an EC key on {PublicKeys.CurveName(key)}: the authority key is P-256");
            }

            return key;
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new FormatException("authority key is not an EC SubjectPublicKeyInfo");
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The key's fingerprint as the kiosk prints it and the authority publishes it: SHA-256 over the
    /// SubjectPublicKeyInfo DER, its first 16 bytes as colon-separated upper-case hex pairs (<c>3F:A2:...</c>).
    /// </summary>
    public static string Fingerprint(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(subjectPublicKeyInfo, hash);
        return string.Join(":", hash[..16].ToArray().Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// True when <paramref name="fingerprint"/> (hex, any case, separators ignored) is the key's <see cref="Fingerprint"/>
    /// or its whole SHA-256 (32 bytes).
    /// </summary>
    public static bool MatchesFingerprint(ReadOnlySpan<byte> subjectPublicKeyInfo, string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var given = new string(fingerprint.Where(char.IsAsciiHexDigit).Select(char.ToUpperInvariant).ToArray());
        var hash = Convert.ToHexString(SHA256.HashData(subjectPublicKeyInfo));
        return given.Length > 0 && (given == hash || given == hash[..32]) && fingerprint.All(c => char.IsAsciiHexDigit(c) || c is ':' or ' ' or '-');
    }

    /// <summary>Base64 SPKI of a key (for configuration and scenario files).</summary>
    public static string ToBase64Spki(ECDsa key) => Convert.ToBase64String((key ?? throw new ArgumentNullException(nameof(key))).ExportSubjectPublicKeyInfo());
}
