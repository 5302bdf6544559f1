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

/// <summary>Instants as ISO 8601 UTC with milliseconds and a <c>Z</c>: <c>2026-12-01T09:00:00.066Z</c>.</summary>
internal sealed class UtcInstantJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

    public override void Write(System.Text.Json.Utf8JsonWriter writer, DateTimeOffset value, System.Text.Json.JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
}
