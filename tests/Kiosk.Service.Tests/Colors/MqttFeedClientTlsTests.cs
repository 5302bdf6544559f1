using HealthCode.Formats;
using Kiosk.Colors;
using Kiosk.Core.Configuration;
using Kiosk.Fleet;
using Kiosk.Service.Tests.Fleet;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Options;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary>
/// The color feed over TLS against a Mosquitto TLS listener that requires a client certificate: with the pinned CA
/// and the kiosk's certificate the snapshot is applied; pinned to another CA the client never connects and the
/// store stays as it was.
/// </summary>
public sealed class MqttFeedClientTlsTests : IDisposable
{
    private readonly FeedWorld _w = new();
    private readonly TempDirectory _certs = new();

    public void Dispose()
    {
        _w.Dispose();
        _certs.Dispose();
    }

    [Fact]
    public async Task SnapshotArrivesOverTlsWithThePinnedCaAndAClientCertificateAndNotWithAnotherCa()
    {
        var pki = TestCertificates.Create(Path.Combine(_certs.Path, "pki"), "Color Feed Test CA");
        var other = TestCertificates.Create(Path.Combine(_certs.Path, "other"), "Some Other CA");
        var server = pki.Issue("broker", server: true);
        var client = pki.Issue("kiosk-01", server: false);
        var (broker, tlsPort) = await MosquittoBroker.StartWithTlsAsync(pki.CaFile, server.CertFile, server.KeyFile);
        await using var stopsTheBroker = broker;

        // The authority publishes on the plain loopback listener; the kiosk reads on the TLS one.
        using (var publisher = new MqttClientFactory().CreateMqttClient())
        {
            await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId("authority").Build());
            await publisher.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic("hc/v1/colors/snapshot")
                .WithPayload(_w.Sign(_w.Snapshot(7, T0, Record(1, HealthColor.Yellow, 50))))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag()
                .Build());
            await publisher.DisconnectAsync();
        }

        FeedLinkOptions Options(string caFile) => new()
        {
            Host = broker.Host,
            Port = tlsPort,
            Tls = true,
            CaFile = caFile,
            ClientCertFile = client.CertFile,
            ClientKeyFile = client.KeyFile,
            ClientId = "kiosk-tls-" + Guid.NewGuid().ToString("N")[..8],
            ReconnectMin = TimeSpan.FromMilliseconds(100),
            ReconnectMax = TimeSpan.FromMilliseconds(500),
        };

        Assert.True(new SectionValidator<FeedLinkOptions>(ColorFeedOptions.Section).Validate(null, Options(pki.CaFile)).Succeeded);

        // Pinned to a CA that did not sign the broker's certificate: no connection, nothing applied.
        var distrustful = new MqttFeedClient(_w.Processor, Microsoft.Extensions.Options.Options.Create(Options(other.CaFile)), Microsoft.Extensions.Options.Options.Create(new ColorFeedOptions()), TimeProvider.System);
        await distrustful.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => distrustful.FailedAttempts >= 2, "two refused TLS handshakes");
        await distrustful.StopAsync(CancellationToken.None);
        distrustful.Dispose();
        Assert.Equal(0, distrustful.ConnectionCount);
        Assert.Null(_w.Store.State.Seq);

        var trusting = new MqttFeedClient(_w.Processor, Microsoft.Extensions.Options.Options.Create(Options(pki.CaFile)), Microsoft.Extensions.Options.Options.Create(new ColorFeedOptions()), TimeProvider.System);
        await trusting.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => _w.Store.State.Seq == 7UL, "the snapshot over TLS");
            Assert.Equal((HealthColor.Yellow, 50L), _w.Lookup(Record(1, HealthColor.Green, 0)));
            // Mosquitto took the client certificate's CN as the user name.
            Assert.Contains("u'kiosk-01'", broker.ReadLog(), StringComparison.Ordinal);
        }
        finally
        {
            await trusting.StopAsync(CancellationToken.None);
            trusting.Dispose();
        }
    }

    [Fact]
    public void TlsSettingsAreValidatedLikeTheFleets()
    {
        var result = new SectionValidator<FeedLinkOptions>(ColorFeedOptions.Section).Validate(null, new FeedLinkOptions
        {
            CaFile = "/nonexistent/ca.pem",
            Password = "secret",
        });
        Assert.True(result.Failed);
        Assert.Contains("ColorFeed:CaFile and ColorFeed:ClientCertFile need ColorFeed:Tls = true", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ColorFeed:CaFile '/nonexistent/ca.pem' does not exist", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ColorFeed:Password needs ColorFeed:Username", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", result.FailureMessage, StringComparison.Ordinal);
    }
}
