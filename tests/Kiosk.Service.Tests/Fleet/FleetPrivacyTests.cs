using System.Text.Json;
using System.Text.RegularExpressions;
using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using MQTTnet;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>
/// mqtt.md "Privacy": every message of a full flow (decision events for valid codes in every color, alerts, status,
/// telemetry, config/reported, command answers) is scanned for the visitor's name, code id (hex, base64, decimal),
/// QR text and color (the words, or a color number in a <c>c</c>/<c>color</c> field).
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed partial class FleetPrivacyTests
{
    private const string QrText = "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9D-MEHIMG7R3S*";
    private static readonly CodeId Id = new(0x1A2B3C4D5E6F7081, 0x92A3B4C5D6E7F809);
    private static readonly CodeId OtherId = new(0x0F1E2D3C4B5A6978, 0x8796A5B4C3D2E1F0);

    [Fact]
    public async Task NoMessageOfAFullFlowCarriesANameIdQrTextOrColor()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        using var host = new RemoteConfigurationTests.Host(data.Path);
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/#", "fleet/#");
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, remoteConfiguration: host.Remote);
        await kiosk.StartAsync();

        var at = DateTimeOffset.UtcNow;
        var decisions = new[]
        {
            Decisions.Valid(at, new Decision(Outcome.Pass, Reason.Ok), HealthColor.Green, 36.7, Id),
            Decisions.Valid(at.AddSeconds(1), Decision.Refer(Reason.HealthStatus), HealthColor.Red, null, Id),
            Decisions.Valid(at.AddSeconds(2), Decision.Refer(Reason.HealthStatus), HealthColor.Yellow, null, OtherId),
            Decisions.Valid(at.AddSeconds(3), Decision.Refer(Reason.TemperatureHigh), HealthColor.Green, 38.2, OtherId),
            Decisions.Valid(at.AddSeconds(4), Decision.Refer(Reason.ColorDataStale), HealthColor.Green, null, Id),
            new DecisionRecord(Decision.Refer(Reason.CodeInvalid), new VerifiedCode(CodeVerdict.Untrusted, Decisions.MaskedName, new HealthCodeClaim(Id, HealthColor.Red, 1, Decisions.MaskedName, true)), null, at, at.AddSeconds(5)),
            new DecisionRecord(Decision.Refer(Reason.CodeExpired), new VerifiedCode(CodeVerdict.Expired, Decisions.Issuer, new HealthCodeClaim(Id, HealthColor.Yellow, 1, Decisions.MaskedName, false)), null, at, at.AddSeconds(6)),
            new DecisionRecord(Decision.Refer(Reason.CodeUnrecognized), VerifiedCode.NotACode, null, at, at.AddSeconds(7)),
        };
        foreach (var record in decisions)
        {
            kiosk.Recorder.Report(record);
        }

        kiosk.Alerts.Raise(AlertKinds.ThermometerFault, "PEC mismatch on 5 reads");
        await manager.WaitForAsync(m => m.Topic.EndsWith("/status", StringComparison.Ordinal) && m.Json.GetProperty("state").GetString() == "degraded", "status degraded");
        kiosk.Alerts.Notify(AlertKinds.AssistRequested, "assist button");
        kiosk.Alerts.Clear(AlertKinds.ThermometerFault);
        await kiosk.DrainedAsync();
        await kiosk.Telemetry.PublishOnceAsync(CancellationToken.None);
        await manager.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("kiosk/v1/site-a/kiosk-01/config/desired")
            .WithPayload("""{"version":1,"Checkpoint":{"FeverThresholdC":37.4}}""").WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build());
        await manager.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("kiosk/v1/site-a/kiosk-01/cmd/ping").WithPayload("{}")
            .WithResponseTopic("fleet/replies/p").WithCorrelationData([1]).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());

        await manager.WaitUntilAsync(() => manager.On("kiosk/v1/site-a/kiosk-01/event/decision").Count() >= decisions.Length, "every decision");
        await manager.WaitUntilAsync(() => manager.On("kiosk/v1/site-a/kiosk-01/event/alert").Count() >= 3, "every alert");
        await manager.WaitForAsync(m => m.Topic.EndsWith("/telemetry", StringComparison.Ordinal), "telemetry");
        await manager.WaitForAsync(m => m.Topic.EndsWith("/config/reported", StringComparison.Ordinal) && m.Json.GetProperty("status").GetString() == "applied", "config/reported");
        await manager.WaitForAsync(m => m.Topic == "fleet/replies/p", "the ping answer");

        // The codeRef is there (the spec's way to count repeat visits) and is not the id.
        var refs = manager.On("kiosk/v1/site-a/kiosk-01/event/decision").Select(m => m.Json.GetProperty("codeRef")).Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!).ToList();
        Assert.Equal(6, refs.Count); // five valid codes and the expired one (its signature was checked)
        Assert.All(refs, r => Assert.Matches("^[0-9a-f]{16}$", r));
        Assert.Equal(2, refs.Distinct().Count());

        var forbidden = Forbidden().ToArray();
        Assert.True(manager.Messages.Count >= 15, $"only {manager.Messages.Count} messages");
        foreach (var message in manager.Messages)
        {
            foreach (var needle in forbidden)
            {
                Assert.False(message.Payload.Contains(needle, StringComparison.OrdinalIgnoreCase) || message.Topic.Contains(needle, StringComparison.OrdinalIgnoreCase), $"{message.Topic} carries '{needle}': {message.Payload}");
            }

            Assert.False(ColorWord().IsMatch(message.Payload), $"{message.Topic} names a color: {message.Payload}");
            AssertNoColorField(message.Json, message.Topic);
        }
    }

    private static IEnumerable<string> Forbidden()
    {
        yield return QrText;
        yield return Decisions.MaskedName;
        yield return "王";
        yield return "明";
        foreach (var id in new[] { Id, OtherId })
        {
            var bytes = id.ToArray();
            yield return Convert.ToHexString(bytes);
            yield return Convert.ToHexString(bytes.AsSpan(0, 8));
            yield return Convert.ToHexString(bytes.AsSpan(8, 8));
            yield return Convert.ToBase64String(bytes).TrimEnd('=');
            yield return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            yield return id.High.ToString(System.Globalization.CultureInfo.InvariantCulture);
            yield return id.Low.ToString(System.Globalization.CultureInfo.InvariantCulture);
            yield return new Guid(bytes).ToString();
        }
    }

    private static void AssertNoColorField(JsonElement element, string topic)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Assert.False(property.Name is "c" or "C" || property.Name.Equals("color", StringComparison.OrdinalIgnoreCase) || property.Name.Equals("colour", StringComparison.OrdinalIgnoreCase) || property.Name.Equals("healthColor", StringComparison.OrdinalIgnoreCase),
                        $"{topic} has a color field '{property.Name}'");
                    AssertNoColorField(property.Value, topic);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    AssertNoColorField(item, topic);
                }

                break;
        }
    }

    [GeneratedRegex(@"\b(green|yellow|red|绿|黄|红)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ColorWord();
}
