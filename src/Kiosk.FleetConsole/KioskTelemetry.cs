using System.Globalization;
using System.Text.Json;

namespace Kiosk.FleetConsole;

/// <summary>
/// What the console takes from a kiosk's <c>telemetry</c> (mqtt.md): its time, for LAST SEEN, and its
/// <c>lastHour</c> counts, the seed of the PASS/h and REFER/h columns. Never throws: a payload that is not mqtt.md's
/// JSON, or larger than <see cref="ConsoleText.MaxPayload"/>, is null; a telemetry without <c>lastHour</c> (a kiosk
/// older than it) has <see cref="LastHour"/> null.
/// </summary>
/// <param name="At">When the kiosk published it (its clock).</param>
/// <param name="LastHour">Its decisions of the hour before <paramref name="At"/>; null when it does not say.</param>
public sealed record KioskTelemetry(DateTimeOffset At, TelemetryHour? LastHour)
{
    /// <summary>The most refer reasons kept from one telemetry: a publisher inventing reasons cannot grow the console.</summary>
    public const int MaxReasons = 32;

    /// <summary>Reads a telemetry payload; null when it has no readable <c>at</c>.</summary>
    public static KioskTelemetry? Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > ConsoleText.MaxPayload)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Instant(root, "at") is not { } at)
            {
                return null;
            }

            return new KioskTelemetry(at, root.TryGetProperty("lastHour", out var hour) && hour.ValueKind == JsonValueKind.Object ? Hour(hour) : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// LAST SEEN, one rule for <c>fleet status</c>, <c>fleet watch</c> and the web console: the newer of the status's
    /// time (a live kiosk publishes its retained status again with every telemetry) and the latest telemetry's.
    /// </summary>
    public static DateTimeOffset? LastSeen(DateTimeOffset? status, DateTimeOffset? telemetry) =>
        status is null ? telemetry : telemetry is null ? status : status > telemetry ? status : telemetry;

    private static TelemetryHour? Hour(JsonElement hour)
    {
        if (Count(hour, "pass") is not { } pass || Count(hour, "refer") is not { } refer)
        {
            return null;
        }

        var reasons = new Dictionary<string, long>(StringComparer.Ordinal);
        if (hour.TryGetProperty("byReason", out var byReason) && byReason.ValueKind == JsonValueKind.Object)
        {
            foreach (var reason in byReason.EnumerateObject().Take(MaxReasons))
            {
                if (reason.Value.ValueKind == JsonValueKind.Number && reason.Value.TryGetInt64(out var n) && n > 0)
                {
                    reasons[ConsoleText.Bound(reason.Name)!] = n;
                }
            }
        }

        return new TelemetryHour(pass, refer, reasons, Seq(hour, "firstSeq"), Seq(hour, "lastSeq"));
    }

    private static long? Count(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= 0 ? n : null;

    private static long? Seq(JsonElement element, string name) => Count(element, name);

    private static DateTimeOffset? Instant(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
