namespace Kiosk.Mqtt;

/// <summary>Section <c>Fleet:HomeAssistant</c>: Home Assistant MQTT discovery (opt-in).</summary>
public sealed class HomeAssistantOptions
{
    /// <summary>Announce the kiosk to Home Assistant on every connect.</summary>
    public bool Enabled { get; set; }

    /// <summary>Home Assistant's discovery prefix (its MQTT integration's setting; default <c>homeassistant</c>).</summary>
    public string DiscoveryPrefix { get; set; } = "homeassistant";
}
