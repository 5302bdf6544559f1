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

    /// <summary>A fresh RSA key for PS256 (2048 bits unless told).</summary>
    public static SigningKey CreatePs256(int bits = 2048, byte[]? kid = null) => new(RSA.Create(bits), kid);

    /// <summary>Wraps an existing key (the caller keeps ownership only if it does not dispose this).</summary>
    public static SigningKey FromKey(AsymmetricAlgorithm key, byte[]? kid = null) => new(key, kid);

    /// <summary>Reads a PKCS#8 PEM private key (EC or RSA).</summary>
    /// <exception cref="FormatException">Not a PKCS#8 EC or RSA private key.</exception>
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
            var ec = ECDsa.Create();
            try
            {
                ec.ImportPkcs8PrivateKey(der, out _);
                return new SigningKey(ec, kid);
            }
            catch (CryptographicException)
            {
                ec.Dispose();
            }

            var rsa = RSA.Create();
            try
            {
                rsa.ImportPkcs8PrivateKey(der, out _);
                return new SigningKey(rsa, kid);
            }
            catch (CryptographicException)
            {
                rsa.Dispose();
                throw;
            }
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
