using System.Text.Json;
using System.Text.Json.Nodes;
using Kiosk.Core.Checkpoint;
using Kiosk.Service.Cli;
using Kiosk.Service.Hosting;
using Kiosk.Service.Tests.Fleet;
using Kiosk.Simulation;
using MQTTnet;
using MQTTnet.Protocol;

namespace Kiosk.Service.Tests.Simulation;

/// <summary>
/// <c>kiosk run --simulate --scenario … --mqtt HOST:PORT</c> against a real Mosquitto: the color feed comes from the
/// broker as well as from the scenario file (the same processor), and every decision goes out as a decision event,
/// with the kiosk's status beside them.
/// </summary>
public sealed class ScenarioWithBrokerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scenario-broker-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task SnapshotAndHeartbeatRetainedOnTheBrokerAreAppliedBeforeTheFirstVisitorAndEveryDecisionIsPublished()
    {
        if (MosquittoBroker.Executable is null)
        {
            Assert.Fail("mosquitto is not installed (apt-get install mosquitto); .ci/run installs it");
        }

        await using var broker = await MosquittoBroker.StartAsync();

        // The sample scenario with only its trust list in the file: the color data is on the broker.
        foreach (var file in Directory.GetFiles(SampleScenario.Directory))
        {
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        }

        var scenarioPath = Path.Combine(_dir, "scenario.json");
        var json = JsonNode.Parse(File.ReadAllText(scenarioPath))!.AsObject();
        json["feedMessages"] = new JsonArray("trust.cose");
        File.WriteAllText(scenarioPath, json.ToJsonString());

        await using (var authority = await TestSubscriber.StartAsync(broker.Port, "hc/v1/trust"))
        {
            foreach (var (file, topic) in new[] { ("snapshot.cose", "hc/v1/colors/snapshot"), ("heartbeat.cose", "hc/v1/colors/heartbeat") })
            {
                await authority.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic(topic)
                    .WithPayload(File.ReadAllBytes(Path.Combine(_dir, file)))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithRetainFlag()
                    .Build());
            }
        }

        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/#");
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "expected.json"))).RootElement
            .EnumerateArray().Select(e => (e.GetProperty("outcome").GetString()!, e.GetProperty("reason").GetString()!)).ToList();

        var results = await SimulationRunner.PlayScenarioAsync(
            Scenario.Load(scenarioPath),
            new RunOptions(null, true, scenarioPath, null, null, ("127.0.0.1", broker.Port)),
            fleet: true,
            CancellationToken.None);

        var decided = results.Where(r => r.Record is not null).Select(r => (PolicyNames.Of(r.Record!.Decision.Outcome), PolicyNames.Of(r.Record.Decision.Reason))).ToList();
        Assert.Equal(expected, decided);

        await manager.WaitUntilAsync(() => manager.Messages.Count(m => m.Topic.EndsWith("/event/decision", StringComparison.Ordinal)) >= expected.Count, "the decision events");
        var events = manager.Messages.Where(m => m.Topic.EndsWith("/event/decision", StringComparison.Ordinal)).Select(m => m.Json).ToList();
        Assert.Equal(expected, events.Select(e => (e.GetProperty("outcome").GetString()!, e.GetProperty("reason").GetString()!)).ToList());
        foreach (var e in events)
        {
            foreach (var field in new[] { "eventId", "seq", "at", "outcome", "reason", "temperatureC", "issuer", "codeRef", "latencyMs" })
            {
                Assert.True(e.TryGetProperty(field, out _), $"decision event without '{field}': {e}");
            }
        }

        var status = manager.Messages.Where(m => m.Topic.EndsWith("/status", StringComparison.Ordinal)).Select(m => m.Json).ToList();
        Assert.NotEmpty(status);
        Assert.Contains(status, s => s.GetProperty("colorData").GetProperty("seq").ValueKind == JsonValueKind.Number);
    }
}
