using System.Text.Json.Serialization;

namespace Kiosk.Service.Events;

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

/// <summary>One decision (topic <c>event/decision</c>). Carries no name, id, QR text or color.</summary>
public sealed record DecisionEvent : KioskEvent
{
    [JsonPropertyName("outcome")]
    public required string Outcome { get; init; }

    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    /// <summary>Core-equivalent temperature rounded to 0.1 °C, or null.</summary>
    [JsonPropertyName("temperatureC")]
    public required double? TemperatureC { get; init; }

    [JsonPropertyName("issuer")]
    public required string? Issuer { get; init; }

    /// <summary>HMAC-SHA256 of (issuer, id) under the site secret, 16 hex characters; null without a signature-checked
    /// code. On the card path, of (<c>card</c>, docRef); null without a docRef.</summary>
    [JsonPropertyName("codeRef")]
    public required string? CodeRef { get; init; }

    /// <summary><c>code</c> (a code was shown; rules 7a and 7b too) or <c>card</c> (a card alone, identity.md).</summary>
    [JsonPropertyName("via")]
    public required string Via { get; init; }

    [JsonPropertyName("latencyMs")]
    public required double LatencyMs { get; init; }
}

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

/// <summary>Where events go: the fleet outbox, an events file, the log.</summary>
public interface IEventSink
{
    /// <summary>Takes the event; must not block the checkpoint on the network.</summary>
    void Publish(KioskEvent kioskEvent);
}

/// <summary>Source-generated JSON for events (no reflection on the hot path; trimming-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, WriteIndented = false)]
[JsonSerializable(typeof(DecisionEvent))]
[JsonSerializable(typeof(AlertEvent))]
public sealed partial class EventJsonContext : JsonSerializerContext;

public static class EventJson
{
    public static string Serialize(KioskEvent kioskEvent) => kioskEvent switch
    {
        DecisionEvent d => System.Text.Json.JsonSerializer.Serialize(d, EventJsonContext.Default.DecisionEvent),
        AlertEvent a => System.Text.Json.JsonSerializer.Serialize(a, EventJsonContext.Default.AlertEvent),
        _ => throw new ArgumentException("Unknown event type.", nameof(kioskEvent)),
    };
}

/// <summary>Instants as ISO 8601 UTC with milliseconds and a <c>Z</c>: <c>2026-12-01T09:00:00.066Z</c>.</summary>
public sealed class UtcInstantJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

    public override void Write(System.Text.Json.Utf8JsonWriter writer, DateTimeOffset value, System.Text.Json.JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
}
