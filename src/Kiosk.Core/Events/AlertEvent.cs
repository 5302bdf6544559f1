using System.Text.Json.Serialization;

namespace Kiosk.Core.Events;

/// <summary>An alert raised or cleared (topic <c>event/alert</c>).</summary>
public sealed record AlertEvent : KioskEvent
{
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    [JsonPropertyName("detail")]
    public required string Detail { get; init; }

    [JsonPropertyName("active")]
    public required bool Active { get; init; }
}
