using System.Text.Json.Serialization;

namespace Kiosk.Core.Events;

/// <summary>An event for the fleet (mqtt.md): decisions and alerts, each with a UUID v7 id and a per-kiosk seq.</summary>
[JsonPolymorphic]
[JsonDerivedType(typeof(DecisionEvent))]
[JsonDerivedType(typeof(AlertEvent))]
public abstract record KioskEvent
{
    [JsonPropertyName("eventId")]
    [JsonPropertyOrder(-3)]
    public required Guid EventId { get; init; }

    [JsonPropertyName("seq")]
    [JsonPropertyOrder(-2)]
    public required long Seq { get; init; }

    [JsonPropertyName("at")]
    [JsonPropertyOrder(-1)]
    [JsonConverter(typeof(UtcInstantJsonConverter))]
    public required DateTimeOffset At { get; init; }
}
