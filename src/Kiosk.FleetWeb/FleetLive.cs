using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Kiosk.Core;
using Kiosk.FleetConsole;
using Kiosk.Mqtt;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace Kiosk.FleetWeb;

/// <summary>
/// The console's live view of the fleet: one broker session, the watch's model (<see cref="FleetWatchModel"/>:
/// statuses, PASS/REFER per hour by reason, alerts) fed by every status, telemetry, decision and alert message, the
/// last known fields of each kiosk (kept when its Will says only <c>lost</c>), the latest telemetry, and the history
/// written on its own worker (the receive path only hands on).
/// </summary>
public sealed partial class FleetLive : IAsyncDisposable
{
    private readonly FleetWatchModel _model;
    private readonly ConcurrentDictionary<string, KioskStatusRow> _known = new(StringComparer.Ordinal);
    private readonly Channel<(string Topic, byte[] Payload, DateTimeOffset At)> _toHistory = Channel.CreateBounded<(string, byte[], DateTimeOffset)>(new BoundedChannelOptions(50_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Task _writer;
    private long _changes;

    private FleetLive(FleetConsoleSession session, FleetHistory history, string? site, TimeProvider time, ILogger logger)
    {
        Session = session;
        History = history;
        _time = time;
        _logger = logger;
        _model = new FleetWatchModel(session.Settings.Prefix, site, alertCapacity: 50);
        session.MessageReceived += OnMessage;
        _writer = Task.Run(WriteHistoryAsync);
    }

    /// <summary>The broker session (commands go through it too).</summary>
    public FleetConsoleSession Session { get; }

    /// <summary>The console's history.</summary>
    public FleetHistory History { get; }

    /// <summary>Grows with every change worth showing.</summary>
    public long Changes => _model.Changes + Interlocked.Read(ref _changes);

    /// <summary>Connects and subscribes to the fleet; a broker that cannot be reached is one <see cref="KioskInputException"/> line.</summary>
    public static async Task<FleetLive> StartAsync(FleetConsoleSettings settings, FleetHistory history, string? site, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var session = await FleetConsoleSession.ConnectAsync(settings, time, cancellationToken);
        var live = new FleetLive(session, history, site, time, logger);
        var refused = await session.KeepSubscribedAsync(live._model.Filters, cancellationToken);
        if (refused.Count > 0)
        {
            await live.DisposeAsync();
            throw new KioskInputException($"fleet serve: the broker refused the subscriptions {string.Join(", ", refused)} (check the broker ACL for this user)");
        }

        return live;
    }

    /// <summary>
    /// The kiosks (worst first) with their counts over the last hour (seeded from each kiosk's telemetry, live events on
    /// top: <see cref="FleetWatchModel"/>), last seen by the watch's rule (<see cref="KioskTelemetry.LastSeen"/>), a lost
    /// kiosk with its last known fields.
    /// </summary>
    public IReadOnlyList<LiveRow> Rows()
    {
        var now = _time.GetUtcNow();
        var (rows, _) = _model.Snapshot(now);
        return rows.Select(r =>
        {
            var row = r.Row;
            if (row.Version is null && !row.IsConnected && _known.TryGetValue(row.Name, out var known))
            {
                row = row with { Version = known.Version, BootId = row.BootId ?? known.BootId, Feed = row.Feed ?? known.Feed, Seq = row.Seq ?? known.Seq, InSyncAsOf = row.InSyncAsOf ?? known.InSyncAsOf };
            }

            return new LiveRow(row, r.Pass, r.Refer, r.Reasons);
        }).ToArray();
    }

    /// <summary>One kiosk, or null.</summary>
    public LiveRow? Find(string site, string kioskId) => Rows().FirstOrDefault(r => r.Row.Site == site && r.Row.KioskId == kioskId);

    /// <summary>The latest alerts, newest first.</summary>
    internal IReadOnlyList<WatchedAlert> Alerts() => _model.Snapshot(_time.GetUtcNow()).Alerts;

    /// <summary>Marks a change made by the console itself (a screenshot, a self-test, an action).</summary>
    public void Touch() => Interlocked.Increment(ref _changes);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Session.MessageReceived -= OnMessage;
        _toHistory.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _writer;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        await Session.DisposeAsync();
        _stop.Dispose();
    }

    private void OnMessage(MqttApplicationMessage message, DateTimeOffset receivedAt)
    {
        var payload = message.Payload.ToArray();
        _model.OnMessage(message.Topic, payload, message.Retain, receivedAt);
        if (!FleetTopics.TryParse(Session.Settings.Prefix, message.Topic, out var site, out var kiosk, out var rest))
        {
            return;
        }

        var name = $"{site}/{kiosk}";
        switch (rest)
        {
            case "status" when payload.Length > 0:
                var row = KioskStatusRow.Parse(site, kiosk, payload);
                if (row.Version is not null)
                {
                    _known[name] = row;
                }

                break;
            case "status":
                _known.TryRemove(name, out _);
                break;
            case "telemetry":
                _toHistory.Writer.TryWrite((message.Topic, payload, receivedAt));
                break;
            case "event/alert":
                _toHistory.Writer.TryWrite((message.Topic, payload, receivedAt));
                break;
        }
    }

    private async Task WriteHistoryAsync()
    {
        var lastPrune = _time.GetUtcNow();
        await foreach (var (topic, payload, at) in _toHistory.Reader.ReadAllAsync(_stop.Token))
        {
            try
            {
                if (!FleetTopics.TryParse(Session.Settings.Prefix, topic, out var site, out var kiosk, out var rest))
                {
                    continue;
                }

                var name = $"{site}/{kiosk}";
                if (rest == "telemetry")
                {
                    History.AddTelemetry(name, at, payload);
                }
                else if (TryAlert(payload, out var kind, out var active, out var detail, out var when))
                {
                    History.AddAlert(name, when, kind, active, detail);
                }

                if (_time.GetUtcNow() - lastPrune > TimeSpan.FromMinutes(1))
                {
                    lastPrune = _time.GetUtcNow();
                    History.Prune();
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex)
            {
                LogHistoryFailed(_logger, ex.SqliteErrorCode, ex.Message);
            }
        }
    }

    private static bool TryAlert(byte[] payload, out string kind, out bool active, out string detail, out DateTimeOffset at)
    {
        kind = detail = string.Empty;
        active = false;
        at = default;
        if (payload.Length > ConsoleText.MaxPayload)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kind", out var k) || k.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("at", out var t) || t.ValueKind != JsonValueKind.String || !t.TryGetDateTimeOffset(out at))
            {
                return false;
            }

            kind = ConsoleText.Bound(k.GetString())!;
            active = !root.TryGetProperty("active", out var a) || a.ValueKind != JsonValueKind.False;
            detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? ConsoleText.Bound(d.GetString(), ConsoleText.DetailLength)! : string.Empty;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 4601, Level = LogLevel.Warning, Message = "fleet console history: write failed (SQLite error {Code}): {Reason}")]
    private static partial void LogHistoryFailed(ILogger logger, int code, string reason);
}
