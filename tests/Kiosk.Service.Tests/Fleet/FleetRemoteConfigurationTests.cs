using Kiosk.Mqtt;
using MQTTnet;

namespace Kiosk.Service.Tests.Fleet;

/// <summary><c>config/desired</c> and <c>config/reported</c> through a real Mosquitto.</summary>
[Collection(MosquittoCollection.Name)]
public sealed class FleetRemoteConfigurationTests
{
    private const string Kiosk = "kiosk/v1/site-a/kiosk-01";

    [Fact]
    public async Task DesiredDocumentValidIsAppliedAndReportedInvalidIsRejectedWithItsReason()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        using var host = new RemoteConfigurationTests.Host(data.Path);
        await using var manager = await TestSubscriber.StartAsync(broker.Port, $"{Kiosk}/config/reported");
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, remoteConfiguration: host.Remote);
        await kiosk.StartAsync();

        var initial = await manager.WaitForAsync(_ => true, "the reported configuration on connect");
        Assert.True(initial.Retain || manager.Messages.Count > 0);
        Assert.Equal("default", initial.Json.GetProperty("status").GetString());

        await manager.PublishAsync(Desired("""{"version":2,"Checkpoint":{"FeverThresholdC":37.5},"Thermometer":{"RetestDelay":"00:00:03"}}"""));
        var applied = await manager.WaitForAsync(m => m.Json.GetProperty("version").ValueKind == System.Text.Json.JsonValueKind.Number, "version 2 reported");
        Assert.Equal(2, applied.Json.GetProperty("version").GetInt64());
        Assert.Equal("applied", applied.Json.GetProperty("status").GetString());
        Assert.Equal(37.5, host.Checkpoint.CurrentValue.FeverThresholdC);
        Assert.Equal(TimeSpan.FromSeconds(3), host.Thermometer.CurrentValue.RetestDelay);

        await manager.PublishAsync(Desired("""{"version":3,"Checkpoint":{"FeverThresholdC":37.9},"Fleet":{"Host":"elsewhere.example"}}"""));
        var rejected = await manager.WaitForAsync(m => m.Json.GetProperty("status").GetString() == "rejected", "the rejection");
        Assert.Equal(2, rejected.Json.GetProperty("version").GetInt64());
        Assert.Equal(3, rejected.Json.GetProperty("rejected").GetProperty("version").GetInt64());
        Assert.Contains("Fleet is not changeable at run time", rejected.Json.GetProperty("rejected").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(37.5, host.Checkpoint.CurrentValue.FeverThresholdC);
    }

    private static MqttApplicationMessage Desired(string json) =>
        new MqttApplicationMessageBuilder().WithTopic($"{Kiosk}/config/desired").WithPayload(json).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build();
}
