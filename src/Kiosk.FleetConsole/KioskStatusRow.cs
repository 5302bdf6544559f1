using System.Globalization;
using System.Text.Json;
using Kiosk.Core.Checkpoint;
using Kiosk.Mqtt;

namespace Kiosk.FleetConsole;

/// <summary>
/// One kiosk as its retained <c>status</c> (mqtt.md) shows it: state, active problems, version, color data, and the
/// health of its devices derived from the problems (<c>thermometer_fault</c>, <c>camera_fault</c>,
/// <c>card_reader_fault</c>). Never carries anything about visitors.
/// </summary>
/// <param name="Site">The site (topic level).</param>
/// <param name="KioskId">The kiosk id (topic level).</param>
/// <param name="State"><c>online</c>, <c>degraded</c>, <c>offline</c>, <c>lost</c>, or <c>unreadable</c> for a status that is not the JSON of mqtt.md.</param>
/// <param name="Problems">Active alert kinds.</param>
/// <param name="Version">Software version; null when the status does not say (the Will).</param>
/// <param name="BootId">Process start id; null when unknown.</param>
/// <param name="Feed">Color feed name.</param>
/// <param name="Seq">Color data seq; null before the first snapshot.</param>
/// <param name="InSyncAsOf">When the color data was last known to be current.</param>
/// <param name="At">When the kiosk published this status (its clock); null for the Will.</param>
/// <param name="LastSeen">The latest sign of life: the status time, or a later message from the kiosk (watch).</param>
public sealed record KioskStatusRow(
    string Site,
    string KioskId,
    string State,
    IReadOnlyList<string> Problems,
    string? Version,
    string? BootId,
    string? Feed,
    ulong? Seq,
    DateTimeOffset? InSyncAsOf,
    DateTimeOffset? At,
    DateTimeOffset? LastSeen)
{
    /// <summary>The state of a status that cannot be read.</summary>
    public const string Unreadable = "unreadable";

    /// <summary>Health of a device whose kiosk cannot say (lost, offline, unreadable).</summary>
    public const string Unknown = "?";

    /// <summary><c>site/kiosk</c>.</summary>
    public string Name => $"{Site}/{KioskId}";

    /// <summary>True when the kiosk is connected (online or degraded): it can take commands.</summary>
    public bool IsConnected => State is KioskState.Online or KioskState.Degraded;

    /// <summary>Thermometer: <c>ok</c>, <c>fault</c> or <c>?</c>.</summary>
    public string Thermometer => Health(AlertKinds.ThermometerFault);

    /// <summary>Camera: <c>ok</c>, <c>fault</c> or <c>?</c>.</summary>
    public string Camera => Health(AlertKinds.CameraFault);

    /// <summary>ID card reader (<c>identity.md</c>): <c>ok</c>, <c>fault</c> or <c>?</c>.</summary>
    public string Reader => Health(CardReaderFault);

    /// <summary>The reader's alert kind (mqtt.md, identity.md).</summary>
    public const string CardReaderFault = "card_reader_fault";

    /// <summary>Worst first: lost, degraded, unreadable, offline, online.</summary>
    public int Severity => State switch
    {
        KioskState.Lost => 0,
        KioskState.Degraded => 1,
        KioskState.Online => 4,
        KioskState.Offline => 3,
        _ => 2,
    };

    /// <summary>Age of the color data at <paramref name="now"/>; null before the first snapshot.</summary>
    public TimeSpan? ColorDataAge(DateTimeOffset now) => InSyncAsOf is { } t ? now - t : null;

    /// <summary>Worst first, then the most problems, the oldest color data, then by name.</summary>
    public static IReadOnlyList<KioskStatusRow> WorstFirst(IEnumerable<KioskStatusRow> rows, DateTimeOffset now) =>
        rows.OrderBy(r => r.Severity)
            .ThenByDescending(r => r.Problems.Count)
            .ThenByDescending(r => r.ColorDataAge(now) ?? TimeSpan.MaxValue)
            .ThenBy(r => r.Site, StringComparer.Ordinal)
            .ThenBy(r => r.KioskId, StringComparer.Ordinal)
            .ToArray();

    /// <summary>
    /// Reads a retained status payload; never throws (a payload that is not mqtt.md's JSON, or larger than
    /// <see cref="ConsoleText.MaxPayload"/>, is <see cref="Unreadable"/>). Every text field is cut to
    /// <see cref="ConsoleText.FieldLength"/> and at most <see cref="ConsoleText.MaxProblems"/> problems are kept, so a
    /// hostile status costs the console a bounded amount of memory.
    /// </summary>
    public static KioskStatusRow Parse(string site, string kioskId, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > ConsoleText.MaxPayload)
        {
            return UnreadableRow(site, kioskId);
        }

        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("state", out var stateElement) || stateElement.ValueKind != JsonValueKind.String)
            {
                return UnreadableRow(site, kioskId);
            }

            var problems = root.TryGetProperty("problems", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Take(ConsoleText.MaxProblems).Select(p => ConsoleText.Bound(p.GetString())!).ToArray()
                : [];
            string? feed = null;
            ulong? seq = null;
            DateTimeOffset? inSync = null;
            if (root.TryGetProperty("colorData", out var color) && color.ValueKind == JsonValueKind.Object)
            {
                feed = Text(color, "feed");
                seq = color.TryGetProperty("seq", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetUInt64(out var sv) ? sv : null;
                inSync = Instant(color, "inSyncAsOf");
            }

            var at = Instant(root, "at");

            // The Will has no "at": the kiosk was last seen no earlier than when it connected.
            var seen = at ?? Instant(root, "connectedAt");
            return new KioskStatusRow(site, kioskId, ConsoleText.Bound(stateElement.GetString())!, problems, Text(root, "version"), Text(root, "bootId"), feed, seq, inSync, at, seen);
        }
        catch (JsonException)
        {
            return UnreadableRow(site, kioskId);
        }
    }

    /// <summary>
    /// A lost kiosk's row with the fields its Will does not carry taken from <paramref name="before"/>, the last known
    /// status of the same kiosk: version and bootId when the Will has none, the color data, the problems and the time
    /// it was last seen.
    /// </summary>
    public static KioskStatusRow KeepLastKnown(KioskStatusRow lost, KioskStatusRow before)
    {
        ArgumentNullException.ThrowIfNull(lost);
        ArgumentNullException.ThrowIfNull(before);
        var sameBoot = lost.BootId is null || before.BootId is null || lost.BootId == before.BootId;
        return lost with
        {
            Problems = lost.Problems.Count > 0 || !sameBoot ? lost.Problems : before.Problems,
            Version = lost.Version ?? before.Version,
            BootId = lost.BootId ?? before.BootId,
            Feed = lost.Feed ?? (sameBoot ? before.Feed : null),
            Seq = lost.Seq ?? (sameBoot ? before.Seq : null),
            InSyncAsOf = lost.InSyncAsOf ?? (sameBoot ? before.InSyncAsOf : null),
            LastSeen = Later(lost.LastSeen, before.LastSeen),
        };

        static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
    }

    private string Health(string kind) => !IsConnected ? Unknown : Problems.Contains(kind, StringComparer.Ordinal) ? "fault" : "ok";

    private static KioskStatusRow UnreadableRow(string site, string kioskId) => new(site, kioskId, Unreadable, [], null, null, null, null, null, null, null);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? ConsoleText.Bound(value.GetString()) : null;

    private static DateTimeOffset? Instant(JsonElement element, string name) =>
        Text(element, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : null;
}
