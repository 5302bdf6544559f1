using System.Text.Json.Serialization;

namespace Kiosk.Core.Events;

public static class EventJson
{
    public static string Serialize(KioskEvent kioskEvent) => kioskEvent switch
    {
        DecisionEvent d => System.Text.Json.JsonSerializer.Serialize(d, EventJsonContext.Default.DecisionEvent),
        AlertEvent a => System.Text.Json.JsonSerializer.Serialize(a, EventJsonContext.Default.AlertEvent),
        _ => throw new ArgumentException("Unknown event type.", nameof(kioskEvent)),
    };
}

/// <summary>Source-generated JSON for events (no reflection on the hot path; trimming-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, WriteIndented = false)]
[JsonSerializable(typeof(DecisionEvent))]
[JsonSerializable(typeof(AlertEvent))]
internal sealed partial class EventJsonContext : JsonSerializerContext;
