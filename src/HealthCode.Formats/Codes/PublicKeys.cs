using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HealthCode.Formats;

/// <summary>Imports SubjectPublicKeyInfo DER as the right key type.</summary>
public static class PublicKeys
{
    private const string EcOid = "1.2.840.10045.2.1";
    private const string RsaOid = "1.2.840.113549.1.1.1";

    /// <summary>An <see cref="ECDsa"/> or <see cref="RSA"/> public key from SubjectPublicKeyInfo DER.</summary>
    /// <exception cref="CryptographicException">Not a well-formed EC or RSA SubjectPublicKeyInfo.</exception>
    public static AsymmetricAlgorithm Import(byte[] subjectPublicKeyInfo)
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
