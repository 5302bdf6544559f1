using System.ComponentModel.DataAnnotations;

namespace Kiosk.Mqtt;

/// <summary>
/// Section <c>Fleet</c>: how the kiosk reaches its fleet broker (mqtt.md). An empty <see cref="Host"/> means no
/// broker is configured: <c>demo</c> and <c>run --simulate</c> then start the <see cref="EmbeddedBroker"/>, a real
/// kiosk keeps its events in the outbox until one is configured. Not changeable at run time.
/// </summary>
public sealed class FleetOptions : BrokerLinkOptions, IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Fleet";

    /// <summary>MQTT keep-alive: the broker declares the kiosk lost (Will) after 1.5 × this without traffic.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of the TCP/TLS connect, CONNACK and each acknowledgement.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Telemetry period (mqtt.md: default 60 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TelemetryInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Events the outbox holds at most; when full, the oldest go (counted, <c>outbox_overflow</c>).</summary>
    [Range(10, 10_000_000)]
    public int OutboxCapacity { get; set; } = 100_000;

    /// <summary>QoS 1 publishes in flight at once when draining the outbox (also capped by the broker's Receive Maximum).</summary>
    [Range(1, 65535)]
    public int MaxInFlight { get; set; } = 64;

    /// <summary>Topic prefix: topics are <c>{TopicPrefix}/{site}/{kioskId}/…</c>.</summary>
    [Required]
    [RegularExpression("^[^#+]+[^#+/]$", ErrorMessage = "Fleet:TopicPrefix must not contain # or + nor end with /")]
    public string TopicPrefix { get; set; } = "kiosk/v1";

    /// <summary>Port of the embedded broker (demo, simulation); taken: a free port is used instead.</summary>
    [Range(0, 65535)]
    public int EmbeddedBrokerPort { get; set; } = 1883;

    /// <summary>Home Assistant MQTT discovery (<c>Fleet:HomeAssistant:Enabled</c>, <c>Fleet:HomeAssistant:DiscoveryPrefix</c>).</summary>
    public HomeAssistantOptions HomeAssistant { get; set; } = new();

    /// <summary>
    /// The fleet's web console (<c>kiosk fleet serve</c>), an absolute http(s) URL; Home Assistant links the kiosk's
    /// device page to it (<c>configuration_url</c>). Empty = none.
    /// </summary>
    public string? ConsoleUrl { get; set; }

    /// <summary>True when a broker is configured (an empty <see cref="BrokerLinkOptions.Host"/> and <see cref="BrokerLinkOptions.Hosts"/>: none).</summary>
    public bool HasBroker => Brokers.Count > 0;

    /// <summary>TLS and credentials of the link.</summary>
    public BrokerSecurity Security => SecurityOf(Section);

    /// <summary>The broker keys' checks (an empty host means no broker).</summary>
    public IEnumerable<string> ValidateLink() => ValidateLink(Section, hostRequired: false);

    /// <summary>The section's rules across keys; every message names its key.</summary>
    /// <param name="validationContext">The validation context.</param>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var failures = ValidateLink().ToList();
        var discovery = HomeAssistant.DiscoveryPrefix;
        if (string.IsNullOrWhiteSpace(discovery) || discovery.IndexOfAny(['+', '#']) >= 0 || discovery.EndsWith('/') || discovery.StartsWith('/'))
        {
            failures.Add("Fleet:HomeAssistant:DiscoveryPrefix must be a topic without + or # and without a leading or trailing /");
        }

        if (ConsoleUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || url.Any(char.IsWhiteSpace)))
        {
            failures.Add($"Fleet:ConsoleUrl must be an absolute http:// or https:// URL (got '{Kiosk.Core.OneLine.Of(url.Length > 80 ? url[..80] + "…" : url)}')");
        }

        return failures.Select(f => new ValidationResult(f));
    }
}
