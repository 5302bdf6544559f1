namespace Kiosk.Service.Tests.Fleet;

/// <summary>
/// How a kiosk leaves the broker: a stop whose host token is already spent still says <c>offline</c>; a kiosk that could
/// not say it leaves the connection so that the broker publishes the Will (<c>lost</c>), on MQTT 5 and 3.1.1, never a
/// stale <c>online</c> for good.
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed class FleetStopTests
{
    private const string Status = "kiosk/v1/site-a/kiosk-stop/status";

    [Fact]
    public async Task AStopWhoseHostTokenIsAlreadySpentStillPublishesOffline()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, Status);
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, kioskId: "kiosk-stop");
        await kiosk.StartAsync();
        await manager.WaitForAsync(m => State(m) is "online" or "degraded", "online");

        await kiosk.Connection.DisconnectAsync("""{"state":"offline"}"""u8.ToArray(), new CancellationToken(canceled: true));

        await manager.WaitForAsync(m => State(m) == "offline", "offline despite the spent token");
        Assert.False(kiosk.Connection.IsConnected);
        Assert.DoesNotContain(manager.Messages, m => State(m) == "lost");
    }

    [Theory]
    [InlineData("5")]
    [InlineData("3.1.1")]
    public async Task AKioskThatCouldNotSayOfflineLeavesSoThatTheBrokerPublishesTheWill(string protocol)
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, Status);
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, o => o.Protocol = protocol, kioskId: "kiosk-stop");
        await kiosk.StartAsync();
        await manager.WaitForAsync(m => State(m) is "online" or "degraded", "online");

        await kiosk.Connection.DropForWillAsync(CancellationToken.None);

        var lost = await manager.WaitForAsync(m => State(m) == "lost", "the Will");
        Assert.Equal(kiosk.Identity.BootId, lost.Json.GetProperty("bootId").GetGuid());
        Assert.DoesNotContain(manager.Messages, m => State(m) == "offline");
    }

    private static string? State(ReceivedMessage m) => m.Payload.Length == 0 ? null : m.Json.GetProperty("state").GetString();
}
