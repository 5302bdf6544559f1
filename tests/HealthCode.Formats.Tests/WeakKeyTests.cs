using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HealthCode.Formats.Feed;

namespace HealthCode.Formats.Tests;

/// <summary>
/// ES256 takes P-256 or P-384 (health-code.md, "Keys"; the EU corpus has P-384 keys signing ES256), not secp256k1 or
/// brainpoolP256r1 (256-bit keys too); PS256 needs RSA of at least 2048 bits. The rule holds wherever a key enters:
/// trust-list entries (key or certificate, JSON or CBOR), the issuer's signing keys and the authority key (P-256 only).
/// A single certificate to inspect against is taken whatever its key: a key that never verifies is the code's verdict.
/// </summary>
public class WeakKeyTests
{
    public static TheoryData<string> WeakKeys => new() { "secp256k1", "brainpoolP256r1", "RSA-1024", "RSA-2040" };

    private static AsymmetricAlgorithm Create(string name) => name switch
    {
        "P-384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        "secp256k1" => ECDsa.Create(ECCurve.CreateFromValue("1.3.132.0.10")),
        "brainpoolP256r1" => ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1),
        "RSA-1024" => RSA.Create(1024),
        "RSA-2040" => RSA.Create(2040),
        "P-256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        "RSA-2048" => RSA.Create(2048),
        "RSA-3072" => RSA.Create(3072),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static byte[] Certificate(AsymmetricAlgorithm key)
    {
        var request = key switch
        {
            ECDsa ec => new CertificateRequest("CN=issuer", ec, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest("CN=issuer", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("unsupported", nameof(key)),
        };
        using var certificate = request.CreateSelfSigned(TestKeys.Now.AddDays(-1), TestKeys.Now.AddDays(30));
        return certificate.RawData;
    }

    private static string KeyEntry(byte[] spki) =>
        $$"""{"issuers":[{"kid":"AQIDBAUGBwg=","region":"CN-HL","publicKey":"{{Convert.ToBase64String(spki)}}","notBefore":"2026-01-01T00:00:00Z","notAfter":"2027-01-01T00:00:00Z"}]}""";

    private static string CertificateEntry(byte[] der) =>
        $$"""{"issuers":[{"region":"CN-HL","certificate":"{{Convert.ToBase64String(der)}}"}]}""";

    [Theory]
    [MemberData(nameof(WeakKeys))]
    public void AWeakKeyIsRefusedWhereverItEnters(string name)
    {
        using var key = Create(name);
        var spki = key.ExportSubjectPublicKeyInfo();
        Assert.Throws<CryptographicException>(() => PublicKeys.Import(spki));

        Assert.Contains("public key", Assert.Throws<FormatException>(() => TrustListFormat.FromJson(KeyEntry(spki))).Message);
        var der = Certificate(key);
        Assert.Throws<FormatException>(() => TrustListFormat.FromJson(CertificateEntry(der)));
        var inspection = HealthCodeInspector.Inspect(new HealthCodeIssuer(TestKeys.Es256).Issue("CN-HL", TestKeys.Now.AddMinutes(-1), TestKeys.Now.AddMinutes(4), TestKeys.Claim()), InspectionContext.ForCertificate(der, TestKeys.Now));
        Assert.True(inspection.Signature is SignatureStatus.UnknownKid or SignatureStatus.Invalid, inspection.ToJson());
        Assert.Equal(CodeVerdict.Untrusted, inspection.Verdict);

        var entry = TrustedIssuer.FromPublicKey([1, 2, 3, 4, 5, 6, 7, 8], "CN-HL", spki, TestKeys.Now.AddDays(-1), TestKeys.Now.AddDays(1));
        var writer = new System.Formats.Cbor.CborWriter();
        TrustListFormat.WriteCbor(writer, new TrustList([entry]));
        Assert.Throws<FormatException>(() => TrustListFormat.ReadCbor(new System.Formats.Cbor.CborReader(writer.Encode())));

        Assert.Throws<ArgumentException>(() => SigningKey.FromKey(Create(name)));
        Assert.Throws<FormatException>(() => SigningKey.FromPkcs8Pem(key.ExportPkcs8PrivateKeyPem()));
        if (key is ECDsa)
        {
            Assert.Throws<FormatException>(() => AuthorityKey.FromSpki(spki));
        }
    }

    [Theory]
    [InlineData("P-256")]
    [InlineData("P-384")]
    [InlineData("RSA-2048")]
    [InlineData("RSA-3072")]
    public void AStrongKeyIsTaken(string name)
    {
        using var key = Create(name);
        var spki = key.ExportSubjectPublicKeyInfo();
        PublicKeys.Import(spki).Dispose();
        Assert.Single(TrustListFormat.FromJson(KeyEntry(spki)).Issuers);
        Assert.Single(TrustListFormat.FromJson(CertificateEntry(Certificate(key))).Issuers);
        using var signing = SigningKey.FromPkcs8Pem(key.ExportPkcs8PrivateKeyPem());
        var code = new HealthCodeIssuer(signing).Issue("CN-HL", TestKeys.Now.AddMinutes(-1), TestKeys.Now.AddMinutes(4), TestKeys.Claim());
        var trust = new TrustList([signing.ToTrustedIssuer("CN-HL", TestKeys.Now.AddDays(-1), TestKeys.Now.AddDays(1))]);
        Assert.Equal(CodeVerdict.Valid, HealthCodeVerifier.Verify(code, trust, TestKeys.Now).Verdict);
    }

    [Fact]
    public void ACodeSignedWithAWeakKeyUnderAKnownKidDoesNotVerify()
    {
        // A secp256k1 key posing as ES256: the trust list cannot hold it, so the code is untrusted whatever its signature.
        using var k1 = ECDsa.Create(ECCurve.CreateFromValue("1.3.132.0.10"));
        var payload = TestKeys.ClaimsPayload();
        var headers = new System.Security.Cryptography.Cose.CoseHeaderMap { { System.Security.Cryptography.Cose.CoseHeaderLabel.KeyIdentifier, System.Security.Cryptography.Cose.CoseHeaderValue.FromBytes(TestKeys.Es256.Kid) } };
        var cose = System.Security.Cryptography.Cose.CoseSign1Message.SignEmbedded(payload, new System.Security.Cryptography.Cose.CoseSigner(k1, HashAlgorithmName.SHA256, headers));
        var text = HealthCodeIssuer.EncodeText(cose);
        Assert.NotEqual(CodeVerdict.Valid, HealthCodeVerifier.Verify(text, TestKeys.Trust, TestKeys.Now).Verdict);
    }

    [Fact]
    public void AP384KeySigningEs256VerifiesAgainstItsCertificateLikeTheSpanishCorpus()
    {
        // The EU corpus's Spanish signers: a P-384 key in the certificate, alg ES256 (SHA-256, r‖s of 48 bytes each).
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var der = Certificate(p384);
        var headers = new System.Security.Cryptography.Cose.CoseHeaderMap { { System.Security.Cryptography.Cose.CoseHeaderLabel.KeyIdentifier, System.Security.Cryptography.Cose.CoseHeaderValue.FromBytes(TrustedIssuer.KidOfCertificate(der)) } };
        var cose = System.Security.Cryptography.Cose.CoseSign1Message.SignEmbedded(TestKeys.ClaimsPayload(), new System.Security.Cryptography.Cose.CoseSigner(p384, HashAlgorithmName.SHA256, headers));
        var inspection = HealthCodeInspector.Inspect(HealthCodeIssuer.EncodeText(cose), InspectionContext.ForCertificate(der, TestKeys.Now));
        Assert.Equal(SignatureStatus.Valid, inspection.Signature);

        // The same code against a Brainpool certificate of the same kid rule: signature invalid, and the error says why.
        using var brainpool = ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1);
        var weak = Certificate(brainpool);
        var weakHeaders = new System.Security.Cryptography.Cose.CoseHeaderMap { { System.Security.Cryptography.Cose.CoseHeaderLabel.KeyIdentifier, System.Security.Cryptography.Cose.CoseHeaderValue.FromBytes(TrustedIssuer.KidOfCertificate(weak)) } };
        var weakCose = System.Security.Cryptography.Cose.CoseSign1Message.SignEmbedded(TestKeys.ClaimsPayload(), new System.Security.Cryptography.Cose.CoseSigner(brainpool, HashAlgorithmName.SHA256, weakHeaders));
        var refused = HealthCodeInspector.Inspect(HealthCodeIssuer.EncodeText(weakCose), InspectionContext.ForCertificate(weak, TestKeys.Now));
        Assert.Equal(SignatureStatus.Invalid, refused.Signature);
        Assert.Equal(CodeVerdict.Untrusted, refused.Verdict);
        Assert.Contains("never verifies", refused.Error);
        Assert.Contains("ES256 needs P-256 or P-384", refused.Error);
    }
}
