using System.Security.Cryptography;

namespace HealthCode.Formats;

/// <summary>One issuer key of the trust list (<c>health-code.md</c>, "Keys").</summary>
public sealed class TrustedIssuer
{
    /// <summary>Key identifier: 8 bytes.</summary>
    public required byte[] Kid { get; init; }

    /// <summary>Region the key may sign for; must equal the code's <c>iss</c>.</summary>
    public required string Region { get; init; }

    /// <summary>SubjectPublicKeyInfo DER (P-256, P-384 or RSA). Taken from the certificate when the entry carries one.</summary>
    public required byte[] SubjectPublicKeyInfo { get; init; }

    /// <summary>The X.509 DER when the entry was given as a certificate (then <see cref="Kid"/> is the first 8 bytes of its SHA-256).</summary>
    public byte[]? CertificateDer { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>True when <paramref name="instant"/> lies inside the key's validity (inclusive).</summary>
    public bool IsValidAt(DateTimeOffset instant) => instant >= NotBefore && instant <= NotAfter;

    /// <summary>The DCC kid rule: first 8 bytes of SHA-256 over the certificate DER.</summary>
    public static byte[] KidOfCertificate(ReadOnlySpan<byte> certificateDer) => SHA256.HashData(certificateDer)[..8];

    private AsymmetricAlgorithm? _publicKey;

    /// <summary>The imported public key (<see cref="ECDsa"/> or <see cref="RSA"/>), imported once and cached for the life of this entry.</summary>
    /// <exception cref="CryptographicException">The SubjectPublicKeyInfo is neither an EC nor an RSA key.</exception>
    public AsymmetricAlgorithm PublicKey
    {
        get
        {
            if (_publicKey is { } key)
            {
                return key;
            }

            var imported = PublicKeys.Import(SubjectPublicKeyInfo);
            var winner = Interlocked.CompareExchange(ref _publicKey, imported, null);
            if (winner is not null)
            {
                imported.Dispose();
                return winner;
            }

            return imported;
        }
    }

    /// <summary>An entry for a bare public key.</summary>
    public static TrustedIssuer FromPublicKey(byte[] kid, string region, byte[] subjectPublicKeyInfo, DateTimeOffset notBefore, DateTimeOffset notAfter) => new()
    {
        Kid = kid,
        Region = region,
        SubjectPublicKeyInfo = subjectPublicKeyInfo,
        NotBefore = notBefore,
        NotAfter = notAfter,
    };

    /// <summary>An entry for an X.509 certificate: kid by the DCC rule, validity from the certificate unless given.</summary>
    /// <exception cref="CryptographicException">Not a certificate.</exception>
    public static TrustedIssuer FromCertificate(byte[] certificateDer, string region, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificateDer);
        return new TrustedIssuer
        {
            Kid = KidOfCertificate(certificateDer),
            Region = region,
            SubjectPublicKeyInfo = certificate.PublicKey.ExportSubjectPublicKeyInfo(),
            CertificateDer = certificateDer,
            NotBefore = notBefore ?? new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            NotAfter = notAfter ?? new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
        };
    }
}
