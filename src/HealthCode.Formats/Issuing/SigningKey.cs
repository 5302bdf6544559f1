using System.Security.Cryptography;

namespace HealthCode.Formats;

/// <summary>A private key with its COSE algorithm and kid: an issuer key (signs codes) or the authority key (signs feed messages).</summary>
public sealed class SigningKey : IDisposable
{
    private SigningKey(AsymmetricAlgorithm key, byte[]? kid)
    {
        Key = key;
        Algorithm = key switch
        {
            ECDsa => CoseAlgorithms.ES256,
            RSA => CoseAlgorithms.PS256,
            _ => throw new ArgumentException("Only ECDSA (ES256) and RSA (PS256) keys are supported.", nameof(key)),
        };
        if (PublicKeys.Weakness(key) is { } weakness)
        {
            throw new ArgumentException($"Not a signing key for codes: {weakness}.", nameof(key));
        }

        SubjectPublicKeyInfo = key.ExportSubjectPublicKeyInfo();
        Kid = kid ?? KidOf(SubjectPublicKeyInfo);
        if (Kid.Length != 8)
        {
            throw new ArgumentException("A kid is 8 bytes.", nameof(kid));
        }
    }

    /// <summary>The private key (<see cref="ECDsa"/> or <see cref="RSA"/>).</summary>
    public AsymmetricAlgorithm Key { get; }

    /// <summary><see cref="CoseAlgorithms.ES256"/> or <see cref="CoseAlgorithms.PS256"/>.</summary>
    public int Algorithm { get; }

    /// <summary>The 8-byte key id written into the protected header.</summary>
    public byte[] Kid { get; }

    /// <summary>The public key as SubjectPublicKeyInfo DER (what a trust list carries).</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>Our kid rule for bare public keys: the first 8 bytes of SHA-256 over the SubjectPublicKeyInfo DER (the DCC rule, applied to the key).</summary>
    public static byte[] KidOf(ReadOnlySpan<byte> subjectPublicKeyInfo) => SHA256.HashData(subjectPublicKeyInfo)[..8];

    /// <summary>A fresh P-256 key for ES256.</summary>
    public static SigningKey CreateEs256(byte[]? kid = null) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), kid);

    /// <summary>A fresh RSA key for PS256 (2048 bits unless told; fewer are refused).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is below <see cref="PublicKeys.MinRsaBits"/>.</exception>
    public static SigningKey CreatePs256(int bits = PublicKeys.MinRsaBits, byte[]? kid = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, PublicKeys.MinRsaBits);
        return new(RSA.Create(bits), kid);
    }

    /// <summary>Wraps an existing key (the caller keeps ownership only if it does not dispose this).</summary>
    /// <exception cref="ArgumentException">Not a P-256 or P-384 key, or an RSA key of 2048 bits or more.</exception>
    public static SigningKey FromKey(AsymmetricAlgorithm key, byte[]? kid = null) => new(key, kid);

    /// <summary>Reads a PKCS#8 PEM private key (EC P-256 or P-384, or RSA of 2048 bits or more).</summary>
    /// <exception cref="FormatException">Not a PKCS#8 EC or RSA private key, or a key too weak for ES256/PS256.</exception>
    public static SigningKey FromPkcs8Pem(string pem, byte[]? kid = null)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var fields = PemEncoding.TryFind(pem, out var found) ? found : throw new FormatException("No PEM block found.");
        var label = pem.AsSpan()[fields.Label];
        if (!label.SequenceEqual("PRIVATE KEY"))
        {
            throw new FormatException($"Expected a PKCS#8 'PRIVATE KEY' PEM block, found '{label}'.");
        }

        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        try
        {
            AsymmetricAlgorithm key = ECDsa.Create();
            try
            {
                ((ECDsa)key).ImportPkcs8PrivateKey(der, out _);
            }
            catch (CryptographicException)
            {
                key.Dispose();
                key = RSA.Create();
                try
                {
                    ((RSA)key).ImportPkcs8PrivateKey(der, out _);
                }
                catch (CryptographicException)
                {
                    key.Dispose();
                    throw;
                }
            }

            if (PublicKeys.Weakness(key) is { } weakness)
            {
                key.Dispose();
                throw new FormatException($"Not a signing key for codes: {weakness}.");
            }

            return new SigningKey(key, kid);
        }
        catch (CryptographicException ex)
        {
            throw new FormatException("Not a PKCS#8 EC or RSA private key.", ex);
        }
    }

    /// <summary>The private key as PKCS#8 PEM.</summary>
    public string ExportPkcs8Pem() => Key.ExportPkcs8PrivateKeyPem();

    /// <summary>A trust-list entry for this key.</summary>
    public TrustedIssuer ToTrustedIssuer(string region, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        TrustedIssuer.FromPublicKey(Kid, region, SubjectPublicKeyInfo, notBefore, notAfter);

    /// <inheritdoc />
    public void Dispose() => Key.Dispose();
}
