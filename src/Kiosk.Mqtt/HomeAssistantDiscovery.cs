using System.Text.Json;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Mqtt;

/// <summary>
/// Home Assistant MQTT discovery: the kiosk announces itself as one device with sensors (state, passes and refers
/// today, color data age, ambient temperature) and buttons (resync, selftest), each a retained config message on
/// <c>{prefix}/{sensor|button}/{site}_{kioskId}/{object}/config</c> in HA's documented schema. State comes from the
/// kiosk's own topics (<c>status</c>, <c>telemetry</c>); the buttons publish <c>{}</c> on the kiosk's <c>cmd/resync</c>
/// and <c>cmd/selftest</c>; availability is the retained <c>status</c>, whose Will says <c>lost</c>. Nothing about a
/// visitor, no color. <c>kiosk fleet decommission</c> clears the configs (empty retained messages) with
/// <see cref="ConfigTopics"/>.
/// </summary>
public sealed partial class HomeAssistantDiscovery
{
    /// <summary>The alert kinds announced as problem <c>binary_sensor</c>s: on while the kind is in the status's <c>problems</c>.</summary>
    public static readonly IReadOnlyList<string> ProblemKinds =
    [
        Kiosk.Core.Checkpoint.AlertKinds.ThermometerFault,
        Kiosk.Core.Checkpoint.AlertKinds.CameraFault,
        Kiosk.Core.Checkpoint.AlertKinds.CardReaderFault,
        Kiosk.Core.Checkpoint.AlertKinds.DisplayFault,
        Kiosk.Core.Checkpoint.AlertKinds.AudioFault,
        Kiosk.Core.Checkpoint.AlertKinds.ColorDataStale,
        Kiosk.Core.Checkpoint.AlertKinds.FeedMessageRejected,
        Kiosk.Core.Checkpoint.AlertKinds.ClockFault,
        Kiosk.Core.Checkpoint.AlertKinds.OutboxOverflow,
        Kiosk.Core.Checkpoint.AlertKinds.AssistRequested,
    ];

    /// <summary>The entities, in publishing order: component, object id.</summary>
    public static readonly IReadOnlyList<(string Component, string ObjectId)> Entities =
    [
        ("sensor", "state"),
        ("sensor", "passes_today"),
        ("sensor", "refers_today"),
        ("sensor", "color_data_age"),
        ("sensor", "ambient_temperature"),
        ("sensor", "selftest_result"),
        ("button", "resync"),
        ("button", "selftest"),
        .. ProblemKinds.Select(kind => (Component: "binary_sensor", ObjectId: kind)),
    ];


    private const string AvailabilityTemplate = "{{ 'online' if value_json.state in ('online', 'degraded') else 'offline' }}";

    private readonly HomeAssistantOptions _options;
    private readonly string? _consoleUrl;
    private readonly FleetConnection _connection;
    private readonly FleetIdentity _identity;
    private readonly ILogger<HomeAssistantDiscovery> _logger;
    private bool _refused;

    /// <summary>Creates the announcer.</summary>
    public HomeAssistantDiscovery(IOptions<FleetOptions> options, FleetConnection connection, FleetIdentity identity, ILogger<HomeAssistantDiscovery> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.HomeAssistant;
        _consoleUrl = options.Value.ConsoleUrl is { Length: > 0 } url ? url : null;
        _connection = connection;
        _identity = identity;
        _logger = logger;
    }

    /// <summary>True when discovery is switched on.</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>HA's node id for a kiosk: <c>{site}_{kioskId}</c> with anything outside <c>[A-Za-z0-9_-]</c> made <c>_</c>.</summary>
    public static string NodeId(string site, string kioskId) =>
        new($"{site}_{kioskId}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray());

    /// <summary>The config topics of a kiosk (to announce, or to clear when it is decommissioned).</summary>
    public static IReadOnlyList<string> ConfigTopics(string discoveryPrefix, string site, string kioskId) =>
        Entities.Select(e => $"{discoveryPrefix.TrimEnd('/')}/{e.Component}/{NodeId(site, kioskId)}/{e.ObjectId}/config").ToArray();

    /// <summary>Topic and payload of every config message of this kiosk.</summary>
    /// <param name="discoveryPrefix">Home Assistant's discovery prefix.</param>
    /// <param name="topics">The kiosk's topics.</param>
    /// <param name="version">The kiosk's software version.</param>
    /// <param name="consoleUrl">The fleet's web console (<c>Fleet:ConsoleUrl</c>): the device's <c>configuration_url</c>; null = none.</param>
    public static IReadOnlyList<(string Topic, byte[] Payload)> Messages(string discoveryPrefix, FleetTopics topics, string version, string? consoleUrl = null)
    {
        var node = NodeId(topics.Site, topics.KioskId);
        var configTopics = ConfigTopics(discoveryPrefix, topics.Site, topics.KioskId);
        return Entities.Select((e, i) => (configTopics[i], Payload(e.Component, e.ObjectId, node, topics, version, consoleUrl))).ToArray();
    }

    /// <summary>
    /// Publishes the configs (retained, QoS 1) when enabled; called on every connect. After a refusal by the broker
    /// (its ACL) it stops trying for the life of the process, so a misconfigured broker cannot make the kiosk's link
    /// flap (the MQTT client loses its connection after a refused publish).
    /// </summary>
    public async Task PublishAsync(FleetSession session, CancellationToken cancellationToken)
    {
        if (!Enabled || Volatile.Read(ref _refused))
        {
            return;
        }

        foreach (var (topic, payload) in Messages(_options.DiscoveryPrefix, _connection.Topics, _identity.Version, _consoleUrl))
        {
            var result = await _connection.PublishAsync(_connection.CreateMessage(topic, payload, MqttQualityOfServiceLevel.AtLeastOnce, retain: true, session.IsMqtt5), cancellationToken);
            if (!result.IsSuccess && result.ReasonCode != MQTTnet.MqttClientPublishReasonCode.NoMatchingSubscribers)
            {
                Volatile.Write(ref _refused, true);
                LogRefused(_logger, topic, result.ReasonCode.ToString());
                return;
            }
        }

        LogAnnounced(_logger, Entities.Count, _options.DiscoveryPrefix);
    }

    private static byte[] Payload(string component, string objectId, string node, FleetTopics topics, string version, string? consoleUrl) =>
        FleetJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("unique_id", $"kiosk_{node}_{objectId}");
            w.WriteString("name", objectId switch
            {
                "state" => "State",
                "passes_today" => "Passes today",
                "refers_today" => "Refers today",
                "color_data_age" => "Color data age",
                "ambient_temperature" => "Ambient temperature",
                "resync" => "Resync color data",
                "selftest_result" => "Self-test result",
                "selftest" => "Self-test",
                _ => "Problem: " + objectId.Replace('_', ' '),
            });
            switch (objectId)
            {
                case var kind when component == "binary_sensor":
                    // On while the kind is among the status's active problems; a lost kiosk's are unknown (availability).
                    w.WriteString("state_topic", topics.Status);
                    w.WriteString("value_template", $"{{{{ 'ON' if '{kind}' in (value_json.problems or []) else 'OFF' }}}}");
                    w.WriteString("device_class", "problem");
                    w.WriteString("entity_category", "diagnostic");
                    Availability(w, topics);
                    break;
                case "selftest_result":
                    // The answer of the self-test button (cmd/selftest/result): ok or fault, the devices as attributes.
                    w.WriteString("state_topic", topics.Command("selftest") + "/result");
                    w.WriteString("value_template", "{{ value_json.result.verdict if value_json.ok else 'unavailable' }}");
                    w.WriteString("json_attributes_topic", topics.Command("selftest") + "/result");
                    w.WriteString("json_attributes_template", "{{ (value_json.result.devices if value_json.ok else {}) | tojson }}");
                    w.WriteString("entity_category", "diagnostic");
                    w.WriteString("icon", "mdi:clipboard-check");
                    Availability(w, topics);
                    break;
                case "state":
                    // No availability: a lost or offline kiosk shows exactly that.
                    w.WriteString("state_topic", topics.Status);
                    w.WriteString("value_template", "{{ value_json.state }}");
                    w.WriteString("device_class", "enum");
                    w.WriteStartArray("options");
                    foreach (var state in new[] { KioskState.Online, KioskState.Degraded, KioskState.Offline, KioskState.Lost })
                    {
                        w.WriteStringValue(state);
                    }

                    w.WriteEndArray();
                    w.WriteString("icon", "mdi:door-sliding");
                    break;
                case "passes_today" or "refers_today":
                    w.WriteString("state_topic", topics.Telemetry);
                    w.WriteString("value_template", objectId == "passes_today" ? "{{ value_json.today.pass }}" : "{{ value_json.today.refer }}");
                    w.WriteString("state_class", "total_increasing");
                    w.WriteString("icon", objectId == "passes_today" ? "mdi:account-check" : "mdi:account-alert");
                    Availability(w, topics);
                    break;
                case "color_data_age":
                    Measurement(w, topics, "{{ value_json.colorDataAgeS }}", "duration", "s");
                    break;
                case "ambient_temperature":
                    Measurement(w, topics, "{{ value_json.ambientC }}", "temperature", "°C");
                    break;
                default:
                    // Buttons: the kiosk's command topics; its commands take a JSON object (HA's default "PRESS" is not one).
                    w.WriteString("command_topic", topics.Command(objectId));
                    w.WriteString("payload_press", "{}");
                    w.WriteNumber("qos", 1);
                    w.WriteBoolean("retain", false);
                    w.WriteString("entity_category", objectId == "resync" ? "config" : "diagnostic");
                    w.WriteString("icon", objectId == "resync" ? "mdi:database-sync" : "mdi:stethoscope");
                    Availability(w, topics);
                    break;
            }

            w.WriteStartObject("device");
            w.WriteStartArray("identifiers");
            w.WriteStringValue($"kiosk_{node}");
            w.WriteEndArray();
            w.WriteString("name", $"Kiosk {topics.KioskId} ({topics.Site})");
            w.WriteString("manufacturer", "Health-code checkpoint kiosk");
            w.WriteString("model", "Checkpoint kiosk");
            w.WriteString("sw_version", version);
            w.WriteString("suggested_area", topics.Site);
            if (consoleUrl is not null)
            {
                w.WriteString("configuration_url", consoleUrl);
            }

            w.WriteEndObject();
            w.WriteStartObject("origin");
            w.WriteString("name", "kiosk");
            w.WriteString("sw_version", version);
            w.WriteEndObject();
            w.WriteEndObject();
        });

    // A diagnostic measurement from telemetry; a null value renders "None", which HA shows as unknown.
    private static void Measurement(Utf8JsonWriter w, FleetTopics topics, string template, string deviceClass, string unit)
    {
        w.WriteString("state_topic", topics.Telemetry);
        w.WriteString("value_template", template);
        w.WriteString("device_class", deviceClass);
        w.WriteString("unit_of_measurement", unit);
        w.WriteString("state_class", "measurement");
        w.WriteString("entity_category", "diagnostic");
        Availability(w, topics);
    }

    private static void Availability(Utf8JsonWriter w, FleetTopics topics)
    {
        w.WriteStartArray("availability");
        w.WriteStartObject();
        w.WriteString("topic", topics.Status);
        w.WriteString("value_template", AvailabilityTemplate);
        w.WriteString("payload_available", "online");
        w.WriteString("payload_not_available", "offline");
        w.WriteEndObject();
        w.WriteEndArray();
    }

    [LoggerMessage(EventId = 787, Level = LogLevel.Information, Message = "Fleet: announced {Count} entities to Home Assistant (discovery prefix {Prefix})")]
    private static partial void LogAnnounced(ILogger logger, int count, string prefix);

    [LoggerMessage(EventId = 788, Level = LogLevel.Warning, Message = "Fleet: the broker refused the Home Assistant config {Topic} ({Reason}); check its ACL")]
    private static partial void LogRefused(ILogger logger, string topic, string reason);
}
