using System.Text;
using System.Text.Json;
using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using Kiosk.Mqtt;
using Kiosk.Service.Tests.Fleet;

namespace Kiosk.Service.Tests.FleetConsole;

/// <summary>The discovery configs of a kiosk, checked against Home Assistant's schema and the kiosk's own payloads.</summary>
public sealed class HomeAssistantDiscoveryTests
{
    [Fact]
    public async Task EveryConfigParsesAsHomeAssistantExpectsAndReadsFieldsTheKioskPublishes()
    {
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(0, data.Path, kioskId: "kiosk-07");
        kiosk.Recorder.Report(Decisions.Pass(DateTimeOffset.UtcNow));
        kiosk.Recorder.Report(Decisions.Valid(DateTimeOffset.UtcNow, new Decision(Outcome.Refer, Reason.HealthStatus), HealthColor.Red));
        var status = JsonDocument.Parse(kiosk.Status.Build(KioskState.Degraded)).RootElement.Clone();
        var telemetry = JsonDocument.Parse(kiosk.Telemetry.Build()).RootElement.Clone();

        var messages = HomeAssistantDiscovery.Messages("homeassistant", kiosk.Topics, kiosk.Identity.Version);
        Assert.Equal(8 + HomeAssistantDiscovery.ProblemKinds.Count, messages.Count);
        var configs = messages.Select(m => HomeAssistantSchema.Check("homeassistant", m.Topic, Encoding.UTF8.GetString(m.Payload))).ToList();
        Assert.Equal(configs.Count, configs.Select(c => c.Config.GetProperty("unique_id").GetString()).Distinct().Count());
        Assert.All(configs, c => Assert.Equal("kiosk_site-a_kiosk-07", c.Config.GetProperty("device").GetProperty("identifiers")[0].GetString()));
        Assert.All(messages, m => Assert.StartsWith("homeassistant/", m.Topic, StringComparison.Ordinal));
        Assert.All(messages, m => Assert.Contains("/site-a_kiosk-07/", m.Topic, StringComparison.Ordinal));

        var sensors = configs.Where(c => c.Component == "sensor" && !c.Config.GetProperty("unique_id").GetString()!.EndsWith("_selftest_result", StringComparison.Ordinal)).Select(c => c.Config).ToDictionary(c => c.GetProperty("unique_id").GetString()!);
        Assert.Equal(5, sensors.Count);
        foreach (var (id, sensor) in sensors)
        {
            var source = sensor.GetProperty("state_topic").GetString() == kiosk.Topics.Status ? status : telemetry;
            Assert.True(sensor.GetProperty("state_topic").GetString() is var t && (t == kiosk.Topics.Status || t == kiosk.Topics.Telemetry), id);
            HomeAssistantSchema.Resolve(sensor.GetProperty("value_template").GetString()!, source);
        }

        var state = sensors["kiosk_site-a_kiosk-07_state"];
        Assert.Equal("degraded", HomeAssistantSchema.Resolve(state.GetProperty("value_template").GetString()!, status).GetString());
        Assert.Equal(["online", "degraded", "offline", "lost"], state.GetProperty("options").EnumerateArray().Select(o => o.GetString()));
        Assert.False(state.TryGetProperty("availability", out _)); // it shows lost and offline itself
        Assert.Equal(1, HomeAssistantSchema.Resolve(sensors["kiosk_site-a_kiosk-07_passes_today"].GetProperty("value_template").GetString()!, telemetry).GetInt64());
        Assert.Equal(1, HomeAssistantSchema.Resolve(sensors["kiosk_site-a_kiosk-07_refers_today"].GetProperty("value_template").GetString()!, telemetry).GetInt64());
        Assert.True(HomeAssistantSchema.Resolve(sensors["kiosk_site-a_kiosk-07_color_data_age"].GetProperty("value_template").GetString()!, telemetry).GetDouble() >= 180);

        // The device: its site as the suggested area; no configuration_url without a console.
        Assert.All(configs, c => Assert.Equal("site-a", c.Config.GetProperty("device").GetProperty("suggested_area").GetString()));
        Assert.All(configs, c => Assert.False(c.Config.GetProperty("device").TryGetProperty("configuration_url", out _)));

        // The self-test result: the answer of the self-test button, on the kiosk's cmd/selftest/result.
        var selftest = configs.Single(c => c.Config.GetProperty("unique_id").GetString() == "kiosk_site-a_kiosk-07_selftest_result").Config;
        Assert.Equal(kiosk.Topics.Command("selftest") + "/result", selftest.GetProperty("state_topic").GetString());
        Assert.Contains("value_json.result.verdict", selftest.GetProperty("value_template").GetString(), StringComparison.Ordinal);

        // A problem binary_sensor per alert kind, on while the kind is among the status's problems.
        var problems = configs.Where(c => c.Component == "binary_sensor").Select(c => c.Config).ToArray();
        Assert.Equal(HomeAssistantDiscovery.ProblemKinds, problems.Select(p => p.GetProperty("unique_id").GetString()!["kiosk_site-a_kiosk-07_".Length..]));
        Assert.All(problems, p => Assert.Equal(("problem", kiosk.Topics.Status), (p.GetProperty("device_class").GetString(), p.GetProperty("state_topic").GetString())));
        var camera = problems.Single(p => p.GetProperty("unique_id").GetString()!.EndsWith("camera_fault", StringComparison.Ordinal));
        Assert.Equal("{{ 'ON' if 'camera_fault' in (value_json.problems or []) else 'OFF' }}", camera.GetProperty("value_template").GetString());

        // Every entity but the state is unavailable unless the retained status (with its Will "lost") says online or degraded.
        foreach (var config in configs.Where(c => c.Config.GetProperty("unique_id").GetString() != "kiosk_site-a_kiosk-07_state"))
        {
            var availability = config.Config.GetProperty("availability").EnumerateArray().Single();
            Assert.Equal(kiosk.Topics.Status, availability.GetProperty("topic").GetString());
            Assert.Contains("value_json.state", availability.GetProperty("value_template").GetString(), StringComparison.Ordinal);
            Assert.Equal("online", availability.GetProperty("payload_available").GetString());
        }

        // Buttons press the kiosk's own commands with a JSON object, which the kiosk accepts (HA's default "PRESS" it would not).
        var buttons = configs.Where(c => c.Component == "button").Select(c => c.Config).ToArray();
        Assert.Equal([kiosk.Topics.Command("resync"), kiosk.Topics.Command("selftest")], buttons.Select(b => b.GetProperty("command_topic").GetString()));
        Assert.All(buttons, b => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(b.GetProperty("payload_press").GetString()!).RootElement.ValueKind));
        Assert.All(buttons, b => Assert.Contains(kiosk.Topics.TryParseCommand(b.GetProperty("command_topic").GetString()!, out var name) ? name : "?", KioskCommands.Names));

        // No personal data, no colors.
        var all = string.Join("\n", messages.Select(m => Encoding.UTF8.GetString(m.Payload))).ToLowerInvariant();
        foreach (var word in new[] { "green", "yellow", "red\"", "绿", "黄", "红", "coderef", "issuer", "name\":\"王", Decisions.MaskedName })
        {
            Assert.DoesNotContain(word, all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheDeviceLinksToTheWebConsoleWhenOneIsConfigured()
    {
        var topics = new FleetTopics("kiosk/v1", "mall.east", "door-3");
        var messages = HomeAssistantDiscovery.Messages("homeassistant", topics, "1.0.0", "https://fleet.example/console");
        Assert.All(messages, m =>
        {
            var device = JsonDocument.Parse(m.Payload).RootElement.GetProperty("device");
            Assert.Equal("https://fleet.example/console", device.GetProperty("configuration_url").GetString());
            Assert.Equal("mall.east", device.GetProperty("suggested_area").GetString());
        });
        Assert.Equal(messages.Select(m => m.Topic), HomeAssistantDiscovery.ConfigTopics("homeassistant", "mall.east", "door-3"));
    }

    [Theory]
    [InlineData("https://fleet.example/", true)]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("ftp://fleet.example/", false)]
    [InlineData("fleet.example", false)]
    public void FleetConsoleUrlMustBeAnAbsoluteHttpUrl(string url, bool valid)
    {
        var failures = Kiosk.Core.Configuration.SectionValidator<FleetOptions>.Check("Fleet", new FleetOptions { ConsoleUrl = url }).ToList();
        Assert.Equal(valid, !failures.Any(f => f.StartsWith("Fleet:ConsoleUrl", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("site-a", "kiosk-01", "site-a_kiosk-01")]
    [InlineData("mall.east", "door.3", "mall_east_door_3")]
    public void NodeIdsAreWhatHomeAssistantAccepts(string site, string kiosk, string expected) =>
        Assert.Equal(expected, HomeAssistantDiscovery.NodeId(site, kiosk));

    [Fact]
    public void ConfigTopicsAreTheTopicsAnnouncedSoDecommissionClearsThemAll()
    {
        var topics = new FleetTopics("kiosk/v1", "site-a", "kiosk-01");
        Assert.Equal(HomeAssistantDiscovery.Messages("ha", topics, "1.0").Select(m => m.Topic), HomeAssistantDiscovery.ConfigTopics("ha", "site-a", "kiosk-01"));
    }
}
