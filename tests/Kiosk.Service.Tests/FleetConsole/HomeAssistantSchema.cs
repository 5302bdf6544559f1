using System.Text.Json;
using System.Text.RegularExpressions;

namespace Kiosk.Service.Tests.FleetConsole;

/// <summary>
/// What Home Assistant's MQTT discovery requires of a config message (home-assistant.io, MQTT discovery, MQTT
/// sensor and MQTT button): the topic <c>&lt;prefix&gt;/&lt;component&gt;/[&lt;node_id&gt;/]&lt;object_id&gt;/config</c> with ids
/// of <c>[a-zA-Z0-9_-]</c> (HA's own matcher), a JSON object with the component's required keys, a <c>unique_id</c> and a
/// <c>device</c> with identifiers (needed for the device registry), and availability entries with a topic.
/// </summary>
internal static partial class HomeAssistantSchema
{
    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        ["sensor"] = ["state_topic"],
        ["button"] = ["command_topic"],
        ["binary_sensor"] = ["state_topic"],
    };

    private static readonly HashSet<string> BinarySensorDeviceClasses = ["problem", "connectivity", "running"];

    private static readonly HashSet<string> SensorDeviceClasses = ["enum", "duration", "temperature", "timestamp"];

    private static readonly HashSet<string> StateClasses = ["measurement", "total", "total_increasing"];

    private static readonly HashSet<string> EntityCategories = ["config", "diagnostic"];

    /// <summary>HA's discovery topic matcher (homeassistant/components/mqtt/discovery.py).</summary>
    [GeneratedRegex(@"^(?<prefix>.+)/(?<component>\w+)/(?:(?<node>[a-zA-Z0-9_-]+)/)?(?<object>[a-zA-Z0-9_-]+)/config$")]
    private static partial Regex TopicMatcher();

    /// <summary>Checks one config message and returns its component and parsed payload.</summary>
    public static (string Component, JsonElement Config) Check(string prefix, string topic, string payload)
    {
        var match = TopicMatcher().Match(topic);
        Assert.True(match.Success, $"{topic} is not a discovery topic");
        Assert.Equal(prefix, match.Groups["prefix"].Value);
        var component = match.Groups["component"].Value;
        Assert.True(Required.ContainsKey(component), $"{topic}: component {component}");
        var config = JsonDocument.Parse(payload).RootElement.Clone();
        Assert.Equal(JsonValueKind.Object, config.ValueKind);
        foreach (var key in Required[component])
        {
            Assert.True(config.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0, $"{topic}: {key} is required");
            Assert.DoesNotContain('+', value.GetString()!);
            Assert.DoesNotContain('#', value.GetString()!);
        }

        Assert.True(config.TryGetProperty("unique_id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString()!.Length > 0, $"{topic}: unique_id");
        var device = config.GetProperty("device");
        Assert.NotEmpty(device.GetProperty("identifiers").EnumerateArray());
        Assert.Equal(JsonValueKind.String, device.GetProperty("name").ValueKind);
        Assert.Equal(JsonValueKind.String, config.GetProperty("origin").GetProperty("name").ValueKind);
        if (config.TryGetProperty("availability", out var availability))
        {
            foreach (var entry in availability.EnumerateArray())
            {
                Assert.Equal(JsonValueKind.String, entry.GetProperty("topic").ValueKind);
            }
        }

        if (config.TryGetProperty("device_class", out var deviceClass) && component == "sensor")
        {
            Assert.Contains(deviceClass.GetString()!, SensorDeviceClasses);
            if (deviceClass.GetString() == "enum")
            {
                Assert.NotEmpty(config.GetProperty("options").EnumerateArray());
                Assert.False(config.TryGetProperty("unit_of_measurement", out _), $"{topic}: an enum sensor has no unit");
            }
        }

        if (component == "binary_sensor")
        {
            Assert.Contains(config.GetProperty("device_class").GetString()!, BinarySensorDeviceClasses);
        }

        if (config.TryGetProperty("state_class", out var stateClass))
        {
            Assert.Contains(stateClass.GetString()!, StateClasses);
        }

        if (config.TryGetProperty("entity_category", out var category))
        {
            Assert.Contains(category.GetString()!, EntityCategories);
        }

        return (component, config);
    }

    /// <summary>
    /// The field a template of the form <c>{{ value_json.a.b }}</c> reads, looked up in a real payload: the kiosk must
    /// publish what the entity shows. Returns the value (which may be JSON null).
    /// </summary>
    public static JsonElement Resolve(string template, JsonElement payload)
    {
        var match = Regex.Match(template, @"^\{\{ value_json\.(?<path>[A-Za-z_.]+) \}\}$");
        Assert.True(match.Success, $"template {template}");
        var value = payload;
        foreach (var part in match.Groups["path"].Value.Split('.'))
        {
            Assert.True(value.ValueKind == JsonValueKind.Object && value.TryGetProperty(part, out value), $"{template}: no '{part}' in {payload}");
        }

        return value;
    }
}
