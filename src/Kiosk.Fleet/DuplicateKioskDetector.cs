using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Kiosk.Core.Checkpoint;
using Kiosk.Mqtt;
using Microsoft.Extensions.Logging;

namespace Kiosk.Fleet;

/// <summary>
/// Finds a second kiosk process using this kiosk's id, on any broker, and raises <c>duplicate_kiosk_id</c> until it
/// has been quiet for <see cref="QuietPeriod"/>. The kiosk subscribes to its own retained <c>status</c> topic, whose
/// every message (status and Will) carries the <c>bootId</c> of the process that wrote it. A message with another
/// <c>bootId</c> is either this kiosk's previous life (the last status or the Will of the process before a restart)
/// or a twin. A previous life is dead: after this process first sees its <c>bootId</c> it can add at most one message,
/// its Will (the broker publishes it when it notices the old connection is gone). So a foreign <c>bootId</c> is a
/// twin when, after it was first seen, it
/// <list type="bullet">
/// <item>arrives live (not as the retained message of a new subscription) with state <c>online</c> or <c>degraded</c>:
/// another process published while this one was subscribed (two kiosks with one kiosk id but different client ids);</item>
/// <item>or shows a status this process had not seen from it before that is not a Will: it published again;</item>
/// <item>or shows a second new Will: it connected again.</item>
/// </list>
/// Only the order of what this process saw counts, never a comparison of the other process's timestamps with this
/// one's clock: twins on two Pis may disagree by minutes, and a Pi without a clock battery starts from the time it
/// saved last, so its previous life's status can look newer than its own start. Supporting signals: MQTT 5's
/// "Session taken over" (<see cref="SessionTakenOver"/>), and the broker closing <see cref="ShortSessionsInARow"/>
/// sessions in a row each within <see cref="ShortSession"/> of connecting while a foreign <c>bootId</c> is on the
/// topic (Mosquitto 2.0 closes the older twin's connection without a reason). Thread-safe; the methods are called on
/// MQTTnet's receive and disconnect paths and never wait: the alert is raised on the thread pool.
/// </summary>
public sealed partial class DuplicateKioskDetector : IDisposable
{
    /// <summary>How long without a sign of a twin before <c>duplicate_kiosk_id</c> is cleared.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMinutes(5);

    /// <summary>A session the broker ends sooner than this after connecting is short.</summary>
    public static readonly TimeSpan ShortSession = TimeSpan.FromSeconds(10);

    /// <summary>How many short sessions in a row, with a foreign <c>bootId</c> seen, count as a twin.</summary>
    public const int ShortSessionsInARow = 3;

    // A status is a few hundred bytes; anything far larger is not one of ours and is not parsed.
    private const int MaxPayload = 16 * 1024;
    private const int MaxBoots = 16;
    private const int MaxMessagesPerBoot = 16;

    private readonly FleetIdentity _identity;
    private readonly string _kioskId;
    private readonly IAlerts _alerts;
    private readonly ILogger<DuplicateKioskDetector> _logger;
    private readonly object _gate = new();
    private readonly Dictionary<Guid, Boot> _boots = [];
    private readonly Queue<Guid> _bootOrder = new();
    private readonly ITimer _quiet;
    private int _shortSessions;
    private bool _raised;
    private long _evidence;

    /// <summary>Creates the detector.</summary>
    /// <param name="identity">This process (its <c>bootId</c>).</param>
    /// <param name="kioskId">The kiosk id (in the alert's detail and the warning).</param>
    /// <param name="alerts">Where <c>duplicate_kiosk_id</c> is raised and cleared.</param>
    /// <param name="time">The links' clock (quiet period).</param>
    /// <param name="logger">Logger.</param>
    public DuplicateKioskDetector(FleetIdentity identity, string kioskId, IAlerts alerts, TimeProvider time, ILogger<DuplicateKioskDetector> logger)
    {
        _identity = identity;
        _kioskId = kioskId;
        _alerts = alerts;
        _logger = logger;
        _quiet = time.CreateTimer(static s => ((DuplicateKioskDetector)s!).OnQuiet(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How many times a sign of a twin was seen (each also restarts the quiet period).</summary>
    public long Evidence => Interlocked.Read(ref _evidence);

    /// <summary>True while this detector holds <c>duplicate_kiosk_id</c> raised.</summary>
    public bool Raised
    {
        get
        {
            lock (_gate)
            {
                return _raised;
            }
        }
    }

    /// <summary>
    /// A message on this kiosk's own <c>status</c> topic. Returns true when it shows another process with this
    /// kiosk's id (the alert is then raised, or its quiet period restarted). Anything that is not a status of
    /// mqtt.md with a <c>bootId</c> (an empty retained message, an older kiosk's Will, bad JSON) is ignored.
    /// </summary>
    /// <param name="payload">The message's payload.</param>
    /// <param name="retained">The RETAIN flag as delivered: set for the retained message a new subscription gets.</param>
    public bool StatusReceived(ReadOnlySequence<byte> payload, bool retained)
    {
        if (!TryParse(payload, out var seen) || seen.Boot == _identity.BootId)
        {
            return false;
        }

        string? sign;
        lock (_gate)
        {
            sign = Judge(seen, retained);
        }

        if (sign is null)
        {
            return false;
        }

        Report($"another kiosk process uses kiosk id {_kioskId}: boot {seen.Boot} {sign} (this process is boot {_identity.BootId}); two kiosks share one Kiosk:KioskId", takenOver: false);
        return true;
    }

    /// <summary>
    /// A session that was up ended without this kiosk asking (the broker closed it, or the network failed), after
    /// <paramref name="lasted"/>. Returns true when it completes the short-session signal.
    /// </summary>
    public bool SessionEnded(TimeSpan lasted)
    {
        Guid other;
        int count;
        lock (_gate)
        {
            _shortSessions = lasted < ShortSession ? _shortSessions + 1 : 0;
            count = _shortSessions;
            if (count < ShortSessionsInARow || _bootOrder.Count == 0)
            {
                return false;
            }

            other = _bootOrder.Last();
        }

        Report($"another kiosk process uses kiosk id {_kioskId}: the broker closed {count} sessions in a row within {ShortSession.TotalSeconds:0} s of connecting, and boot {other} is on its status topic (this process is boot {_identity.BootId}); two kiosks share one Kiosk:KioskId", takenOver: false);
        return true;
    }

    /// <summary>
    /// The broker gave this kiosk's session to another client with the same id (MQTT 5 reason 0x8E, Session taken
    /// over): a second kiosk configured with this kiosk's id.
    /// </summary>
    public void SessionTakenOver() =>
        Report($"another client connected as kiosk {_kioskId} and took this kiosk's broker session (boot {_identity.BootId}); two kiosks share one Kiosk:KioskId", takenOver: true);

    /// <inheritdoc />
    public void Dispose() => _quiet.Dispose();

    private string? Judge(Seen seen, bool retained)
    {
        var key = (seen.State, seen.At, seen.ConnectedAt);
        var live = !retained && seen.State is KioskState.Online or KioskState.Degraded;
        if (!_boots.TryGetValue(seen.Boot, out var boot))
        {
            // The first sighting: this process's previous life looks the same (its last status or its Will).
            if (_boots.Count >= MaxBoots)
            {
                _boots.Remove(_bootOrder.Dequeue());
            }

            _boots[seen.Boot] = new Boot(key);
            _bootOrder.Enqueue(seen.Boot);
            return live ? $"published its status while this process was subscribed ({Describe(seen)})" : null;
        }

        if (live)
        {
            return $"published its status while this process was subscribed ({Describe(seen)})";
        }

        if (boot.Messages.Contains(key))
        {
            return null; // the same retained message again (a reconnect of ours)
        }

        if (boot.Messages.Count < MaxMessagesPerBoot)
        {
            boot.Messages.Add(key);
        }

        boot.NewMessages++;
        if (seen.State != KioskState.Lost)
        {
            return $"published a new status after this process had seen it ({Describe(seen)})";
        }

        return boot.NewMessages >= 2 ? $"connected again after this process had seen it ({Describe(seen)})" : null;
    }

    private static string Describe(Seen seen) =>
        seen.State == KioskState.Lost
            ? seen.ConnectedAt is { } connected ? $"its Will: connected at {FleetJson.Timestamp(connected)} by its clock" : "its Will"
            : seen.At is { } at ? $"{seen.State} at {FleetJson.Timestamp(at)} by its clock" : seen.State;

    private void Report(string detail, bool takenOver)
    {
        Interlocked.Increment(ref _evidence);
        bool raise;
        lock (_gate)
        {
            _quiet.Change(QuietPeriod, Timeout.InfiniteTimeSpan);
            raise = !_raised;
            _raised = true;
        }

        if (!raise)
        {
            return;
        }

        if (takenOver)
        {
            LogSessionTakenOver(_logger, _kioskId);
        }
        else
        {
            LogTwin(_logger, _kioskId);
        }

        // Never on MQTTnet's receive or disconnect path: raising writes the alert event to the outbox.
        ThreadPool.QueueUserWorkItem(static s => s.Alerts.Raise(AlertKinds.DuplicateKioskId, s.Detail), (Alerts: _alerts, Detail: detail), preferLocal: false);
    }

    private void OnQuiet()
    {
        lock (_gate)
        {
            if (!_raised)
            {
                return;
            }

            _raised = false;
            _shortSessions = 0;
        }

        LogQuiet(_logger, _kioskId);
        _alerts.Clear(AlertKinds.DuplicateKioskId, $"no sign of another kiosk process with kiosk id {_kioskId} for {QuietPeriod.TotalMinutes:0} min");
    }

    private static bool TryParse(ReadOnlySequence<byte> payload, out Seen seen)
    {
        seen = default;
        if (payload.IsEmpty || payload.Length > MaxPayload)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 8 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("bootId", out var bootElement) || bootElement.ValueKind != JsonValueKind.String || !Guid.TryParse(bootElement.GetString(), out var boot)
                || !root.TryGetProperty("state", out var stateElement) || stateElement.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            // Only the states of mqtt.md: the detail is built from known words and parsed values, never from the text.
            var state = stateElement.GetString() switch
            {
                KioskState.Online => KioskState.Online,
                KioskState.Degraded => KioskState.Degraded,
                KioskState.Offline => KioskState.Offline,
                KioskState.Lost => KioskState.Lost,
                _ => null,
            };
            if (state is null)
            {
                return false;
            }

            seen = new Seen(boot, state, Time(root, "at"), Time(root, "connectedAt"));
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static DateTimeOffset? Time(JsonElement root, string name) =>
        root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;

    private readonly record struct Seen(Guid Boot, string State, DateTimeOffset? At, DateTimeOffset? ConnectedAt);

    private sealed class Boot((string, DateTimeOffset?, DateTimeOffset?) first)
    {
        public HashSet<(string State, DateTimeOffset? At, DateTimeOffset? ConnectedAt)> Messages { get; } = [first];

        public int NewMessages { get; set; }
    }

    [LoggerMessage(EventId = 732, Level = LogLevel.Warning, Message = "Fleet: another client connected as kiosk {KioskId} and took the broker session: is a second kiosk configured with this id?")]
    private static partial void LogSessionTakenOver(ILogger logger, string kioskId);

    [LoggerMessage(EventId = 7731, Level = LogLevel.Warning, Message = "Fleet: another kiosk process uses kiosk id {KioskId} (its status topic shows a second bootId alive): is a second kiosk configured with this id?")]
    private static partial void LogTwin(ILogger logger, string kioskId);

    [LoggerMessage(EventId = 7732, Level = LogLevel.Information, Message = "Fleet: no sign of another kiosk process with kiosk id {KioskId} any more")]
    private static partial void LogQuiet(ILogger logger, string kioskId);
}
