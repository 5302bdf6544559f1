using Kiosk.Mqtt;
using Kiosk.Service.Tests.Infrastructure;
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

    [Fact]
    public async Task AnOverflowingVersionIsRefusedTheConsoleNeverOverflowsAndTheLastVersionStillChangesTheKiosk()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var mqtt = $"127.0.0.1:{broker.Port}";
        using var data = new TempDirectory();
        using var host = new RemoteConfigurationTests.Host(data.Path);
        await using var manager = await TestSubscriber.StartAsync(broker.Port, $"{Kiosk}/config/reported");
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, remoteConfiguration: host.Remote);
        await kiosk.StartAsync();
        await manager.WaitForAsync(_ => true, "the reported configuration on connect");

        // 2^63 - 1: an invalid document, not applied; the console will not compute a version from it.
        await manager.PublishAsync(Desired("""{"version":9223372036854775807}"""));
        var refused = await manager.WaitForAsync(m => m.Json.GetProperty("status").GetString() == "rejected", "the refusal");
        Assert.Contains("from 1 to 9007199254740991", refused.Json.GetProperty("rejected").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Null(host.Remote.AppliedVersion);
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "config", "kiosk-01", "--set", "Checkpoint:FeverThresholdC=37.5", "--mqtt", mqtt), "is not a desired document");

        // Cleared, the console goes on from the kiosk's reported version.
        await manager.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"{Kiosk}/config/desired").WithRetainFlag(true).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var accepted = await CliRunner.RunAsync("fleet", "config", "kiosk-01", "--set", "Checkpoint:FeverThresholdC=37.5", "--mqtt", mqtt);
        Assert.True(accepted.Code == 0, accepted.Out + accepted.Error);
        Assert.Equal(1, host.Remote.AppliedVersion);

        // At the last version the console refuses in one line; the last version published again still changes the kiosk.
        await manager.PublishAsync(Desired("""{"version":9007199254740991,"Checkpoint":{"FeverThresholdC":37.6}}"""));
        await manager.WaitUntilAsync(() => host.Remote.AppliedVersion == DesiredDocument.MaxVersion, "the last version applied");
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "config", "kiosk-01", "--set", "Checkpoint:FeverThresholdC=37.7", "--mqtt", mqtt), "is at version 9007199254740991, the last there is");
        await manager.PublishAsync(Desired("""{"version":9007199254740991}"""));
        await manager.WaitUntilAsync(() => host.Checkpoint.CurrentValue.FeverThresholdC == 37.3, "the kiosk back on its files");
    }

    [Fact]
    public async Task FleetConfigOfAVoiceDeviceThatIsAShellPipeReportsTheKeyRejectedAndNothingRuns()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        using var host = new RemoteConfigurationTests.Host(data.Path, voice: true);
        await using var manager = await TestSubscriber.StartAsync(broker.Port, $"{Kiosk}/config/reported");
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, remoteConfiguration: host.Remote);
        await kiosk.StartAsync();
        await manager.WaitForAsync(_ => true, "the reported configuration on connect");
        var marker = Path.Combine(data.Path, "piped");

        var result = await CliRunner.RunAsync("fleet", "config", "kiosk-01", "--set", $"Voice:Device=file:'|touch {marker}',raw", "--mqtt", $"127.0.0.1:{broker.Port}");

        Assert.Equal(1, result.Code);
        Assert.Contains($"Voice:Device=file:'|touch {marker}',raw  rejected  Voice:Device 'file:'|touch {marker}',raw' must be a plain ALSA device name", result.Out, StringComparison.Ordinal);
        Assert.Null(host.Remote.AppliedVersion);
        Assert.False(File.Exists(marker));
    }

    private static MqttApplicationMessage Desired(string json) =>
        new MqttApplicationMessageBuilder().WithTopic($"{Kiosk}/config/desired").WithPayload(json).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build();
}
