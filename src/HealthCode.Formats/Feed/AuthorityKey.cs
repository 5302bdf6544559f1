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

    /// <summary>Base64 SPKI of a key (for configuration and scenario files).</summary>
    public static string ToBase64Spki(ECDsa key) => Convert.ToBase64String((key ?? throw new ArgumentNullException(nameof(key))).ExportSubjectPublicKeyInfo());
}
