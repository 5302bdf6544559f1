using System.Globalization;
using System.Text.Json;
using Kiosk.Mqtt;

namespace Kiosk.FleetConsole;

/// <summary>
/// What <c>kiosk fleet watch</c> shows, fed by every status, telemetry, decision and alert message: the status rows,
/// per kiosk the PASS and REFER counts by reason over the last hour (minute buckets, by the events' own time,
/// duplicates dropped by <c>eventId</c>), and the latest alerts. Thread-safe; rendering is a pure function of it.
/// </summary>
internal sealed class FleetWatchModel
{
    /// <summary>The sliding window of the counts.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private const int SeenCapacity = 200_000;

    private const int MaxReasons = 32;

    private readonly string _prefix;
    private readonly string? _site;
    private readonly int _alertCapacity;
    private readonly object _gate = new();
    private readonly Dictionary<string, KioskStatusRow> _rows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<long, Dictionary<string, int>>> _counts = new(StringComparer.Ordinal);
    private readonly HashSet<Guid> _seen = [];
    private readonly Queue<Guid> _seenOrder = new();
    private readonly LinkedList<WatchedAlert> _alerts = new();
    private long _changes;

    /// <summary>Creates the model.</summary>
    /// <param name="prefix">Topic prefix, e.g. <c>kiosk/v1</c>.</param>
    /// <param name="site">Only this site; null = every site.</param>
    /// <param name="alertCapacity">Latest alerts kept.</param>
    public FleetWatchModel(string prefix, string? site, int alertCapacity = 8)
    {
        _prefix = prefix.TrimEnd('/');
        _site = site;
        _alertCapacity = alertCapacity;
    }

    /// <summary>Grows with every change that shows on screen.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>The filters that feed the model.</summary>
    public IReadOnlyList<string> Filters =>
    [
        FleetTopics.Filter(_prefix, _site, null, "status"),
        FleetTopics.Filter(_prefix, _site, null, "telemetry"),
        FleetTopics.Filter(_prefix, _site, null, "event/decision"),
        FleetTopics.Filter(_prefix, _site, null, "event/alert"),
    ];

    /// <summary>Takes one message; anything unknown or malformed is ignored. A retained status is old news: it does not count as seen now.</summary>
    public void OnMessage(string topic, ReadOnlySpan<byte> payload, bool retained, DateTimeOffset receivedAt)
    {
        if (!FleetTopics.TryParse(_prefix, topic, out var site, out var kiosk, out var rest) || (_site is not null && site != _site))
        {
            return;
        }

        var name = $"{site}/{kiosk}";
        lock (_gate)
        {
            switch (rest)
            {
                case "status" when payload.Length == 0:
                    _rows.Remove(name);
                    break;
                case "status":
                    var row = KioskStatusRow.Parse(site, kiosk, payload);
                    var known = _rows.TryGetValue(name, out var before);
                    var seen = known ? Latest(before!.LastSeen, row.LastSeen) : row.LastSeen;
                    if (known && row.State == KioskState.Lost)
                    {
                        // The Will carries only what the kiosk knew at connect: keep the rest as last known.
                        row = KioskStatusRow.KeepLastKnown(row, before!);
                    }

                    _rows[name] = row with { LastSeen = row.IsConnected && !retained ? Latest(seen, receivedAt) : seen };
                    break;
                case "telemetry" when _rows.TryGetValue(name, out var existing):
                    // The newer of the telemetry's own time and the status's: a kiosk seen a second ago shows as such.
                    _rows[name] = existing with { LastSeen = Latest(existing.LastSeen, TelemetryAt(payload) ?? receivedAt) };
                    break;
                case "event/decision":
                    CountDecision(name, payload);
                    break;
                case "event/alert":
                    AddAlert(name, payload);
                    break;
                default:
                    return;
            }

            _changes++;
        }
    }

    /// <summary>The rows (worst first) with their counts at <paramref name="now"/>, and the latest alerts (newest first).</summary>
    public (IReadOnlyList<(KioskStatusRow Row, int Pass, int Refer, string Reasons)> Rows, IReadOnlyList<WatchedAlert> Alerts) Snapshot(DateTimeOffset now)
    {
        lock (_gate)
        {
            var from = Minute(now - Window);
            var rows = KioskStatusRow.WorstFirst(_rows.Values, now).Select(row =>
            {
                var totals = new Dictionary<string, int>(StringComparer.Ordinal);
                if (_counts.TryGetValue(row.Name, out var buckets))
                {
                    foreach (var stale in buckets.Keys.Where(m => m <= from).ToArray())
                    {
                        buckets.Remove(stale);
                    }

                    foreach (var bucket in buckets.Values)
                    {
                        foreach (var (key, count) in bucket)
                        {
                            totals[key] = totals.GetValueOrDefault(key) + count;
                        }
                    }
                }

                var pass = totals.GetValueOrDefault("pass");
                var refers = totals.Where(p => p.Key != "pass").OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToArray();
                var reasons = string.Join(" ", refers.Select(p => $"{p.Key}:{p.Value}"));
                return (row, pass, refers.Sum(p => p.Value), reasons.Length == 0 ? "-" : reasons);
            }).ToArray();
            return (rows, _alerts.ToArray());
        }
    }

    private void CountDecision(string kiosk, ReadOnlySpan<byte> payload)
    {
        if (!TryRead(payload, out var root) || !TryEvent(root, out var id, out var at)
            || !root.TryGetProperty("outcome", out var outcome) || outcome.ValueKind != JsonValueKind.String)
        {
            return;
        }

        var key = outcome.GetString() == "pass" ? "pass"
            : root.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String ? ConsoleText.Bound(reason.GetString())! : "refer";
        if (!Remember(id))
        {
            return; // at least once: a duplicate after a reconnect
        }

        if (!_counts.TryGetValue(kiosk, out var buckets))
        {
            _counts[kiosk] = buckets = [];
        }

        var minute = Minute(at);
        if (!buckets.TryGetValue(minute, out var bucket))
        {
            buckets[minute] = bucket = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        if (bucket.Count >= MaxReasons && !bucket.ContainsKey(key))
        {
            key = "other"; // bounded: a publisher inventing reasons cannot grow the model
        }

        bucket[key] = bucket.GetValueOrDefault(key) + 1;
    }

    private void AddAlert(string kiosk, ReadOnlySpan<byte> payload)
    {
        if (!TryRead(payload, out var root) || !TryEvent(root, out var id, out var at) || !Remember(id)
            || !root.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String)
        {
            return;
        }

        var active = !root.TryGetProperty("active", out var a) || a.ValueKind != JsonValueKind.False;
        var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? ConsoleText.Bound(d.GetString(), ConsoleText.DetailLength)! : string.Empty;
        _alerts.AddFirst(new WatchedAlert(at, kiosk, ConsoleText.Bound(kind.GetString())!, active, detail));
        while (_alerts.Count > _alertCapacity)
        {
            _alerts.RemoveLast();
        }
    }

    private bool Remember(Guid id)
    {
        if (!_seen.Add(id))
        {
            return false;
        }

        _seenOrder.Enqueue(id);
        if (_seenOrder.Count > SeenCapacity)
        {
            _seen.Remove(_seenOrder.Dequeue());
        }

        return true;
    }

    private static bool TryRead(ReadOnlySpan<byte> payload, out JsonElement root)
    {
        if (payload.Length > ConsoleText.MaxPayload)
        {
            root = default;
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            root = document.RootElement.Clone();
            return root.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            root = default;
            return false;
        }
    }

    private static bool TryEvent(JsonElement root, out Guid id, out DateTimeOffset at)
    {
        id = Guid.Empty;
        at = default;
        return root.TryGetProperty("eventId", out var e) && e.ValueKind == JsonValueKind.String && Guid.TryParse(e.GetString(), out id)
            && root.TryGetProperty("at", out var t) && t.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);
    }

    private static DateTimeOffset? TelemetryAt(ReadOnlySpan<byte> payload) =>
        TryRead(payload, out var root) && root.TryGetProperty("at", out var t) && t.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static long Minute(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}

/// <summary>An alert as the watch lists it: no visitor data, only the kiosk, the kind and the technician's detail.</summary>
/// <param name="At">When the kiosk raised or cleared it.</param>
/// <param name="Kiosk"><c>site/kiosk</c>.</param>
/// <param name="Kind">Alert kind (mqtt.md).</param>
/// <param name="Active">Raised (true) or cleared.</param>
/// <param name="Detail">Technical detail.</param>
internal sealed record WatchedAlert(DateTimeOffset At, string Kiosk, string Kind, bool Active, string Detail);
