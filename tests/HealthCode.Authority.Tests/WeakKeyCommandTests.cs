using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HealthCode.Authority.Tests;

using static AuthorityRun;

/// <summary>ES256 takes P-256 or P-384 (not Brainpool or secp256k1), PS256 needs RSA-2048 or more: the tool refuses weaker keys as one-line input errors.</summary>
public sealed class WeakKeyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("authority-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task WeakIssuerAuthorityAndCertificateKeysAreInputErrors()
    {
        using var brainpool = ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1);
        using var secp256k1 = ECDsa.Create(ECCurve.CreateFromValue("1.3.132.0.10"));
        using var rsa1024 = RSA.Create(1024);
        File.WriteAllText(PathOf("brainpool.pem"), brainpool.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(PathOf("k1.pem"), secp256k1.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(PathOf("rsa1024.pem"), rsa1024.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(PathOf("brainpool.pub"), Convert.ToBase64String(brainpool.ExportSubjectPublicKeyInfo()));
        File.WriteAllText(PathOf("rsa1024.pub"), Convert.ToBase64String(rsa1024.ExportSubjectPublicKeyInfo()));
        using (var certificate = new CertificateRequest("CN=issuer", brainpool, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100)))
        {
            File.WriteAllBytes(PathOf("brainpool.cer"), certificate.RawData);
        }

        await InputError("ES256 needs P-256 or P-384", "code", "issue", "--key", PathOf("brainpool.pem"), "--iss", "CN-HL");
        await InputError("ES256 needs P-256 or P-384", "code", "issue", "--key", PathOf("k1.pem"), "--iss", "CN-HL");
        await InputError("PS256 needs at least 2048 bits", "code", "issue", "--key", PathOf("rsa1024.pem"), "--iss", "CN-HL");
        string[] validity = ["--not-before", "2026-01-01T00:00:00Z", "--not-after", "2027-01-01T00:00:00Z"];
        await InputError("ES256 needs P-256 or P-384", ["trust", "build", "--issuer", $"CN-HL={PathOf("brainpool.pub")}", .. validity]);
        await InputError("PS256 needs at least 2048 bits", ["trust", "build", "--issuer", $"CN-HL={PathOf("rsa1024.pub")}", .. validity]);
        await InputError("ES256 needs P-256 or P-384", ["trust", "build", "--certificate", $"CN-HL={PathOf("brainpool.cer")}", .. validity]);
        await InputError("P-256", "feed", "heartbeat", "--key", PathOf("k1.pem"), "--feed", "CN-HL", "--seq", "1", "--out", PathOf("h.cose"));
        Assert.False(File.Exists(PathOf("h.cose")));
    }
}
