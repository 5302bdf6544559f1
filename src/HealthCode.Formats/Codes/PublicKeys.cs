using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HealthCode.Formats;

/// <summary>Imports SubjectPublicKeyInfo DER as the right key type, and holds the rule on key strength.</summary>
/// <remarks>ES256 takes an EC key on NIST P-256 or P-384 (health-code.md, "Keys": the EU corpus has P-384 keys signing
/// ES256); secp256k1 or brainpoolP256r1 (256-bit keys too) are not ES256 keys. PS256 needs RSA of at least 2048 bits. The rule holds for trust-list entries (keys and certificates), a single
/// certificate to verify against, the issuer's signing keys and the authority key.</remarks>
public static class PublicKeys
{
    /// <summary>The smallest RSA modulus accepted for PS256.</summary>
    public const int MinRsaBits = 2048;

    private const string EcOid = "1.2.840.10045.2.1";
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";

    /// <summary>An <see cref="ECDsa"/> (P-256 or P-384) or <see cref="RSA"/> (2048 bits or more) public key from SubjectPublicKeyInfo DER.</summary>
    /// <exception cref="CryptographicException">Not a well-formed EC or RSA SubjectPublicKeyInfo, or a key too weak for ES256/PS256.</exception>
    public static AsymmetricAlgorithm Import(byte[] subjectPublicKeyInfo)
    {
        var key = ImportAny(subjectPublicKeyInfo);
        if (Weakness(key) is { } weakness)
        {
            key.Dispose();
            throw new CryptographicException(weakness);
        }

        return key;
    }

    /// <summary>Why <paramref name="key"/> cannot sign ES256 or PS256, or null when it can.</summary>
    public static string? Weakness(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec when !IsP256(ec) && !IsP384(ec) => $"an EC key on {CurveName(ec)}: ES256 needs P-256 or P-384",
        ECDsa => null,
        RSA rsa when rsa.KeySize < MinRsaBits => $"a {rsa.KeySize}-bit RSA key: PS256 needs at least {MinRsaBits} bits",
        RSA => null,
        _ => "neither an EC nor an RSA key",
    };

    /// <summary>True when <paramref name="key"/> is on the named curve P-256 (secp256r1).</summary>
    public static bool IsP256(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        return curve.IsNamed && (curve.Oid.Value == P256Oid || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1");
    }

    /// <summary>True when <paramref name="key"/> is on the named curve P-384 (secp384r1).</summary>
    public static bool IsP384(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        return curve.IsNamed && (curve.Oid.Value == P384Oid || curve.Oid.FriendlyName is "nistP384" or "ECDSA_P384" or "secp384r1");
    }

    /// <summary>The curve's name as .NET knows it (<c>nistP384</c>, <c>brainpoolP256r1</c>), for messages.</summary>
    public static string CurveName(ECDsa key)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        return curve.IsNamed ? curve.Oid.FriendlyName ?? curve.Oid.Value ?? "an unnamed curve" : "explicit curve parameters";
    }

    private static AsymmetricAlgorithm ImportAny(byte[] subjectPublicKeyInfo)
    {
        var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
        if (read != subjectPublicKeyInfo.Length)
        {
            throw new CryptographicException("Trailing bytes after the SubjectPublicKeyInfo.");
        }

        return publicKey.Oid.Value switch
        {
            EcOid => publicKey.GetECDsaPublicKey() ?? throw new CryptographicException("Unreadable EC public key."),
            RsaOid => publicKey.GetRSAPublicKey() ?? throw new CryptographicException("Unreadable RSA public key."),
            _ => throw new CryptographicException($"Unsupported public key algorithm {publicKey.Oid.Value}."),
        };
    }
}
