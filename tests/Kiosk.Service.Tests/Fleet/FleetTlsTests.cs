using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Kiosk.Core.Configuration;
using Kiosk.Mqtt;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>TLS with CA pinning and a client certificate, against a Mosquitto TLS listener.</summary>
[Collection(MosquittoCollection.Name)]
public sealed class FleetTlsTests
{
    [Fact]
    public async Task TheKioskConnectsOverTlsWithThePinnedCaAndItsClientCertificate()
    {
        using var certs = new TempDirectory();
        var pki = TestCertificates.Create(certs.Path, "Kiosk Fleet Test CA");
        var server = pki.Issue("broker", server: true);
        var client = pki.Issue("kiosk-01", server: false);
        var (broker, tlsPort) = await MosquittoBroker.StartWithTlsAsync(pki.CaFile, server.CertFile, server.KeyFile);
        await using var stopsTheBroker = broker;
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/#");
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(tlsPort, data.Path, o =>
        {
            o.Tls = true;
            o.CaFile = pki.CaFile;
            o.ClientCertFile = client.CertFile;
            o.ClientKeyFile = client.KeyFile;
        });
        Assert.True(new SectionValidator<FleetOptions>(FleetOptions.Section).Validate(null, kiosk.Options).Succeeded);
        await kiosk.StartAsync();

        kiosk.Recorder.Report(Decisions.Pass(DateTimeOffset.UtcNow));
        await manager.WaitForAsync(m => m.Topic == "kiosk/v1/site-a/kiosk-01/event/decision", "a decision over TLS");
        Assert.Contains("as kiosk-01", broker.ReadLog(), StringComparison.Ordinal);
    }

    [Fact]
    public void PinningAcceptsOnlyChainsToThePinnedCaAndTheRightName()
    {
        using var dir = new TempDirectory();
        var pinned = TestCertificates.Create(Path.Combine(dir.Path, "a"), "Pinned CA");
        var other = TestCertificates.Create(Path.Combine(dir.Path, "b"), "Other CA");
        var good = pinned.Issue("broker", server: true).Certificate;
        var foreign = other.Issue("broker", server: true).Certificate;
        var pins = new X509Certificate2Collection(pinned.Ca);

        // The platform store does not know either CA, so the platform reports chain errors: pinning decides.
        Assert.True(BrokerCredentials.Validate(good, null, SslPolicyErrors.RemoteCertificateChainErrors, pins));
        Assert.False(BrokerCredentials.Validate(foreign, null, SslPolicyErrors.RemoteCertificateChainErrors, pins));
        Assert.False(BrokerCredentials.Validate(good, null, SslPolicyErrors.RemoteCertificateNameMismatch, pins));
        Assert.False(BrokerCredentials.Validate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable, pins));

        // Without pins the platform's verdict stands.
        Assert.False(BrokerCredentials.Validate(good, null, SslPolicyErrors.RemoteCertificateChainErrors, null));
        Assert.True(BrokerCredentials.Validate(good, null, SslPolicyErrors.None, null));
    }
}
