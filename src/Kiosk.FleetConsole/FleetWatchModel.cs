using System.Globalization;
using System.Text.Json;
using Kiosk.Mqtt;

namespace Kiosk.FleetConsole;

/// <summary>
/// What <c>kiosk fleet watch</c> (and the web console) shows, fed by every status, telemetry, decision and alert
/// message: the status rows, LAST SEEN the newer of each kiosk's status and telemetry time
/// (<see cref="KioskTelemetry.LastSeen"/>), per kiosk the PASS and REFER counts by reason over the last hour, and the
/// latest alerts. Thread-safe; rendering is a pure function of it.
/// <para>
/// The hour's counts start from the kiosk's own: its latest telemetry's <c>lastHour</c> (mqtt.md), while that telemetry
/// is less than an hour old. Decision events seen live are counted on top (by their own time, over the last hour,
/// duplicates dropped by <c>eventId</c>) unless that telemetry already counts them: an event whose <c>seq</c> lies in
/// the telemetry's [<c>firstSeq</c>, <c>lastSeq</c>]. So a new watch shows the kiosks' hour at their next telemetry,
/// and an event is never counted twice; each telemetry replaces the seed (and the events it now covers).
/// </para>
/// </summary>
internal sealed class FleetWatchModel
{
    /// <summary>The sliding window of the counts.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private const int SeenCapacity = 200_000;

    private const int MaxReasons = 32;

    /// <summary>The most live decisions kept per kiosk (the oldest go first): bounded whatever a publisher sends.</summary>
    private const int MaxDecisionsPerKiosk = 20_000;

    private readonly string _prefix;
    private readonly string? _site;
    private readonly int _alertCapacity;
    private readonly object _gate = new();
    private readonly Dictionary<string, KioskStatusRow> _rows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<LiveDecision>> _decisions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KioskTelemetry> _telemetry = new(StringComparer.Ordinal);
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
                    _telemetry.Remove(name);
                    _decisions.Remove(name);
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
                case "telemetry":
                    // QoS 0 and not retained: the newest one by its own time is the kiosk's latest word.
                    if (KioskTelemetry.Parse(payload) is not { } telemetry
                        || (_telemetry.TryGetValue(name, out var latest) && latest.At >= telemetry.At))
                    {
                        return;
                    }

                    _telemetry[name] = telemetry;
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
            var from = now - Window;
            var rows = _rows.Values.Select(row => _telemetry.TryGetValue(row.Name, out var t)
                ? row with { LastSeen = KioskTelemetry.LastSeen(row.LastSeen, t.At) }
                : row);
            var counted = KioskStatusRow.WorstFirst(rows, now).Select(row =>
            {
                var totals = new Dictionary<string, long>(StringComparer.Ordinal);
                var seed = _telemetry.TryGetValue(row.Name, out var telemetry) && telemetry.At > from ? telemetry.LastHour : null;
                if (seed is not null)
                {
                    totals["pass"] = seed.Pass;
                    foreach (var (reason, count) in seed.ReferByReason)
                    {
                        totals[reason] = count;
                    }

                    // Reasons the telemetry left out (bounded) still count as refers.
                    var unnamed = seed.Refer - seed.ReferByReason.Values.Sum();
                    if (unnamed > 0)
                    {
                        totals["refer"] = unnamed;
                    }
                }

                if (_decisions.TryGetValue(row.Name, out var live))
                {
                    live.RemoveAll(d => d.At <= from);
                    foreach (var decision in live)
                    {
                        if (seed is null || !seed.Covers(decision.Seq))
                        {
                            totals[decision.Key] = totals.GetValueOrDefault(decision.Key) + 1;
                        }
                    }
                }

                var pass = (int)Math.Min(int.MaxValue, totals.GetValueOrDefault("pass"));
                var refers = totals.Where(p => p.Key != "pass" && p.Value > 0).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToArray();
                var reasons = string.Join(" ", refers.Select(p => $"{p.Key}:{p.Value}"));
                return (row, pass, (int)Math.Min(int.MaxValue, refers.Sum(p => p.Value)), reasons.Length == 0 ? "-" : reasons);
            }).ToArray();
            return (counted, _alerts.ToArray());
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
        long? seq = root.TryGetProperty("seq", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var sv) ? sv : null;
        if (!Remember(id))
        {
            return; // at least once: a duplicate after a reconnect
        }

        if (!_decisions.TryGetValue(kiosk, out var live))
        {
            _decisions[kiosk] = live = [];
        }

        if (key != "pass" && key != "refer" && !live.Any(d => d.Key == key) && live.Select(d => d.Key).Distinct(StringComparer.Ordinal).Count() >= MaxReasons)
        {
            key = "other"; // bounded: a publisher inventing reasons cannot grow the model
        }

        live.Add(new LiveDecision(at, seq, key));
        if (live.Count > MaxDecisionsPerKiosk)
        {
            live.RemoveRange(0, live.Count - MaxDecisionsPerKiosk);
        }
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

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => KioskTelemetry.LastSeen(a, b);

    /// <summary>A decision event seen live: its time, seq (null when it has none) and key (<c>pass</c> or the refer reason).</summary>
    private readonly record struct LiveDecision(DateTimeOffset At, long? Seq, string Key);
}

/// <summary>An alert as the watch lists it: no visitor data, only the kiosk, the kind and the technician's detail.</summary>
/// <param name="At">When the kiosk raised or cleared it.</param>
/// <param name="Kiosk"><c>site/kiosk</c>.</param>
/// <param name="Kind">Alert kind (mqtt.md).</param>
/// <param name="Active">Raised (true) or cleared.</param>
/// <param name="Detail">Technical detail.</param>
internal sealed record WatchedAlert(DateTimeOffset At, string Kiosk, string Kind, bool Active, string Detail);
