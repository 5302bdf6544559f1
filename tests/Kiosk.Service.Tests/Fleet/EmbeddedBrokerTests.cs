using System.Net;
using System.Net.Sockets;
using Kiosk.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>The in-process MQTTnet broker of the demo and the simulation.</summary>
[Collection(MosquittoCollection.Name)]
public sealed class EmbeddedBrokerTests
{
    [Fact]
    public async Task WithNoBrokerConfiguredTheKioskTalksToTheEmbeddedBrokerOnAFreePortWhenThePreferredIsTaken()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var taken = ((IPEndPoint)occupied.LocalEndpoint).Port;
        await using var embedded = new EmbeddedBroker(taken, NullLogger<EmbeddedBroker>.Instance);
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(0, data.Path, embedded: embedded);
        Assert.False(kiosk.Options.HasBroker);
        await kiosk.StartAsync();

        Assert.True(embedded.IsRunning);
        Assert.NotEqual(taken, embedded.Port);
        Assert.NotEqual(0, embedded.Port);
        await using var manager = await TestSubscriber.StartAsync(embedded.Port, "kiosk/#");
        kiosk.Recorder.Report(Decisions.Pass(DateTimeOffset.UtcNow));
        await manager.WaitForAsync(m => m.Topic == "kiosk/v1/site-a/kiosk-01/event/decision", "a decision through the embedded broker");
        var status = await manager.WaitForAsync(m => m.Topic == "kiosk/v1/site-a/kiosk-01/status", "the retained status");
        Assert.Equal("online", status.Json.GetProperty("state").GetString());
    }

    [Fact]
    public async Task StartIsIdempotentAndStopReleasesThePort()
    {
        var port = MosquittoBroker.FreePort();
        var embedded = new EmbeddedBroker(port, NullLogger<EmbeddedBroker>.Instance);
        Assert.Equal(port, await embedded.StartAsync(CancellationToken.None));
        Assert.Equal(port, await embedded.StartAsync(CancellationToken.None));
        await embedded.DisposeAsync();
        Assert.False(embedded.IsRunning);
        using var again = new TcpListener(IPAddress.Loopback, port);
        again.Start();
    }
}
