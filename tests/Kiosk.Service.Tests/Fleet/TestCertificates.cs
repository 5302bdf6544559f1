using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>A throw-away CA with server and client certificates (ECDSA P-256), written as PEM files.</summary>
internal sealed class TestCertificates
{
    private TestCertificates(string directory, X509Certificate2 ca, ECDsa caKey)
    {
        Directory = directory;
        Ca = ca;
        CaKey = caKey;
    }

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public ECDsa CaKey { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");

    public static TestCertificates Create(string directory, string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        System.IO.Directory.CreateDirectory(directory);
        var certificates = new TestCertificates(directory, ca, key);
        File.WriteAllText(certificates.CaFile, ca.ExportCertificatePem());
        return certificates;
    }

    /// <summary>Issues a leaf certificate (SAN localhost and 127.0.0.1) and writes <c>{name}.pem</c> and <c>{name}.key</c>.</summary>
    private long _serial;

    public (string CertFile, string KeyFile, X509Certificate2 Certificate) Issue(string name, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        // Serials distinct per certificate of this authority, without randomness: 1, 2, 3, ...
        var serial = BitConverter.GetBytes(Interlocked.Increment(ref _serial));
        Array.Reverse(serial);
        using var issued = request.Create(Ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        var certFile = Path.Combine(Directory, name + ".pem");
        var keyFile = Path.Combine(Directory, name + ".key");
        File.WriteAllText(certFile, issued.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certFile, keyFile, X509Certificate2.CreateFromPemFile(certFile, keyFile));
    }
}
