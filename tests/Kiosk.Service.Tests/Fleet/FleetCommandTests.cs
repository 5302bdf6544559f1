using System.Text;
using Kiosk.Core.Checkpoint;
using MQTTnet;
using MQTTnet.Formatter;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>Commands through a real Mosquitto: MQTT 5 request/response, the 3.1.1 fallback, site-wide commands, expiry.</summary>
[Collection(MosquittoCollection.Name)]
public sealed class FleetCommandTests
{
    private const string Kiosk = "kiosk/v1/site-a/kiosk-01";

    [Fact]
    public async Task Mqtt5AnswersOnTheResponseTopicWithTheCorrelationData()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 };
        var resync = new CountingResync();
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, screenshot: new FixedScreenshot(png), resync: resync);
        await kiosk.StartAsync();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "fleet/replies/#");

        var ping = await RequestAsync(manager, $"{Kiosk}/cmd/ping", "fleet/replies/1", [1, 2, 3, 4]);
        Assert.Equal([1, 2, 3, 4], ping.CorrelationData);
        Assert.Equal("application/json", ping.ContentType);
        var json = ping.Json;
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal("ping", json.GetProperty("command").GetString());
        Assert.Equal("kiosk-01", json.GetProperty("kioskId").GetString());
        Assert.True(json.GetProperty("result").GetProperty("pong").GetBoolean());
        Assert.Equal(kiosk.Identity.BootId, json.GetProperty("result").GetProperty("bootId").GetGuid());

        var shot = (await RequestAsync(manager, $"{Kiosk}/cmd/screenshot", "fleet/replies/2", [9])).Json;
        Assert.Equal(png, Convert.FromBase64String(shot.GetProperty("result").GetProperty("png").GetString()!));
        Assert.Equal("image/png", shot.GetProperty("result").GetProperty("contentType").GetString());

        var resynced = (await RequestAsync(manager, $"{Kiosk}/cmd/resync", "fleet/replies/3", [7])).Json;
        Assert.True(resynced.GetProperty("ok").GetBoolean());
        Assert.Equal(1, resync.Count);

        var unknown = (await RequestAsync(manager, $"{Kiosk}/cmd/format-disk", "fleet/replies/4", [8])).Json;
        Assert.False(unknown.GetProperty("ok").GetBoolean());
        Assert.Contains("unknown command", unknown.GetProperty("error").GetString(), StringComparison.Ordinal);

        var notAvailable = (await RequestAsync(manager, $"{Kiosk}/cmd/selftest", "fleet/replies/5", [5])).Json;
        Assert.False(notAvailable.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task SiteWideOpenGateOpensTheGateAndIsAuditedAsAnAlert()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path);
        await kiosk.StartAsync();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "fleet/replies/#", $"{Kiosk}/event/alert");

        var answer = await RequestAsync(manager, "kiosk/v1/site-a/all/cmd/open-gate", "fleet/replies/gate", [42], """{"requestId":"ops-17"}""");
        Assert.True(answer.Json.GetProperty("ok").GetBoolean());
        Assert.Equal("ops-17", answer.Json.GetProperty("requestId").GetString());
        Assert.Equal(1, kiosk.Indicators.GateOpened);
        var audit = await manager.WaitForAsync(m => m.Topic == $"{Kiosk}/event/alert", "the gate_opened alert");
        Assert.Equal(AlertKinds.GateOpened, audit.Json.GetProperty("kind").GetString());
        Assert.Contains("ops-17", audit.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mqtt311AnswersOnTheResultTopicWithTheRequestId()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        var selfTest = new GatedSelfTest();
        selfTest.Release.SetResult();
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, o => o.Protocol = "3.1.1", selfTest: selfTest);
        await kiosk.StartAsync();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "manager-311", persistent: false, MqttProtocolVersion.V311, $"{Kiosk}/cmd/+/result");

        await manager.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"{Kiosk}/cmd/selftest").WithPayload("""{"requestId":"r-311"}""").WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var answer = await manager.WaitForAsync(m => m.Topic == $"{Kiosk}/cmd/selftest/result", "the 3.1.1 answer");
        var json = answer.Json;
        Assert.Equal("r-311", json.GetProperty("requestId").GetString());
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal("ok", json.GetProperty("result").GetProperty("devices").GetProperty("thermometer").GetString());
    }

    [Fact]
    public async Task ACommandWhoseBodySaysItExpiredIsDroppedNotRunLate()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, o => o.Protocol = "3.1.1");
        await kiosk.StartAsync();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "manager-311b", persistent: false, MqttProtocolVersion.V311, $"{Kiosk}/cmd/+/result");

        var sentAt = DateTimeOffset.UtcNow.AddHours(-1).ToString("O");
        await manager.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"{Kiosk}/cmd/open-gate")
            .WithPayload($$"""{"requestId":"late","sentAt":"{{sentAt}}","expirySeconds":30}""").WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await manager.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"{Kiosk}/cmd/ping").WithPayload("""{"requestId":"after"}""").WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());

        // Commands run in order: once the ping is answered, the open-gate before it has been dealt with.
        await manager.WaitForAsync(m => m.Topic == $"{Kiosk}/cmd/ping/result", "the ping answer");
        Assert.Equal(0, kiosk.Indicators.GateOpened);
        Assert.Equal(1, kiosk.Commands.Expired);
        Assert.DoesNotContain(manager.Messages, m => m.Topic == $"{Kiosk}/cmd/open-gate/result");
    }

    [Fact]
    public async Task AnMqtt5CommandOlderThanItsMessageExpiryIsDroppedNotRunLate()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var selfTest = new GatedSelfTest();
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, commandTime: clock, selfTest: selfTest);
        await kiosk.StartAsync();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "fleet/replies/#");

        // A long self test keeps the command worker busy while an open-gate with a 2 s expiry waits behind it.
        await manager.PublishAsync(Request($"{Kiosk}/cmd/selftest", "fleet/replies/st", [1]));
        await selfTest.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var gate = Request($"{Kiosk}/cmd/open-gate", "fleet/replies/gate", [2]);
        gate.MessageExpiryInterval = 2;
        await manager.PublishAsync(gate);
        await manager.WaitUntilAsync(() => kiosk.Commands.Received >= 2, "the open-gate to arrive");

        clock.Advance(TimeSpan.FromSeconds(5));
        selfTest.Release.SetResult();
        await manager.PublishAsync(Request($"{Kiosk}/cmd/ping", "fleet/replies/ping", [3]));
        await manager.WaitForAsync(m => m.Topic == "fleet/replies/ping", "the ping answer");

        Assert.Equal(0, kiosk.Indicators.GateOpened);
        Assert.Equal(1, kiosk.Commands.Expired);
        Assert.Contains(manager.Messages, m => m.Topic == "fleet/replies/st");
        Assert.DoesNotContain(manager.Messages, m => m.Topic == "fleet/replies/gate");
    }

    [Fact]
    public async Task ABrokenRequestBodyIsAnsweredWithAnErrorAndNothingRuns()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path);
        await kiosk.StartAsync();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "fleet/replies/#");
        var answer = await RequestAsync(manager, $"{Kiosk}/cmd/open-gate", "fleet/replies/broken", [1], "{not json");
        Assert.False(answer.Json.GetProperty("ok").GetBoolean());
        Assert.Equal(0, kiosk.Indicators.GateOpened);
    }

    private static MqttApplicationMessage Request(string topic, string responseTopic, byte[] correlation, string body = "{}") =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(body)).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .WithResponseTopic(responseTopic).WithCorrelationData(correlation).Build();

    private static async Task<ReceivedMessage> RequestAsync(TestSubscriber manager, string topic, string responseTopic, byte[] correlation, string body = "{}")
    {
        await manager.PublishAsync(Request(topic, responseTopic, correlation, body));
        return await manager.WaitForAsync(m => m.Topic == responseTopic, $"the answer on {responseTopic}");
    }
}
