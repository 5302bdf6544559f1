using System.Text.Json.Serialization;

namespace Kiosk.Core.Events;

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
