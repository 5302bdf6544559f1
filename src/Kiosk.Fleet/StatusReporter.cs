using System.Threading.Channels;
using Kiosk.Colors;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Mqtt;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging;

namespace Kiosk.Fleet;

/// <summary>
/// The retained <c>status</c> topic: <c>online</c> on connect, <c>degraded</c> while alerts are active (with them in
/// <c>problems</c>), <c>offline</c> on a clean shutdown; the broker publishes the Will <c>lost</c> otherwise. Published
/// at once on each change, and again unchanged with each telemetry tick (<see cref="Refresh"/>), so <c>at</c> is when
/// the kiosk last published it.
/// </summary>
public sealed partial class StatusReporter
{
    private readonly FleetConnection _connection;
    private readonly FleetIdentity _identity;
    private readonly IAlerts _alerts;
    private readonly IColorStore _colors;
    private readonly TimeProvider _time;
    private readonly ILogger<StatusReporter> _logger;
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ColorFeedProcessor? _feed;
    private (ulong Seq, bool Active, int Tenth)? _fetchShown;
    private string? _lastContent;

    /// <summary>Creates the reporter. When <paramref name="alerts"/> is the <see cref="AlertCenter"/>, its <c>Changed</c> event republishes the status.</summary>
    /// <param name="feed">The color feed, when there is one: <c>colorData.fetch</c> shows a manifest fetch in progress
    /// (republished when it starts, stops, and at each tenth of its parts).</param>
    public StatusReporter(FleetConnection connection, FleetIdentity identity, IAlerts alerts, IColorStore colors, TimeProvider time, ILogger<StatusReporter> logger, ColorFeedProcessor? feed = null)
    {
        _feed = feed;
        if (feed is not null)
        {
            feed.FetchChanged += OnFetchChanged;
        }

        _connection = connection;
        _identity = identity;
        _alerts = alerts;
        _colors = colors;
        _time = time;
        _logger = logger;
        if (alerts is AlertCenter center)
        {
            center.Changed += Signal;
        }
    }

    /// <summary><c>online</c> or <c>degraded</c>, from the active alerts.</summary>
    public string CurrentState => _alerts.Active.Count == 0 ? KioskState.Online : KioskState.Degraded;

    private void OnFetchChanged()
    {
        var fetch = _feed!.Fetch;
        (ulong, bool, int)? shown = fetch is { } f ? (f.Seq, f.Active, f.PartsTotal == 0 ? 10 : f.PartsVerified * 10 / f.PartsTotal) : null;
        if (shown != _fetchShown)
        {
            _fetchShown = shown;
            Signal();
        }
    }

    /// <summary>Asks for the status to be published again (something it shows changed).</summary>
    public void Signal() => _changed.Writer.TryWrite(true);

    /// <summary>
    /// Asks for the status to be published again unchanged, with <c>at</c> = now: the fleet service calls it with each
    /// telemetry tick, so the retained status says when the kiosk was last heard of (mqtt.md). A pending change
    /// already covers it.
    /// </summary>
    public void Refresh() => _changed.Writer.TryWrite(true);

    /// <summary>The status payload of mqtt.md for <paramref name="state"/>.</summary>
    public byte[] Build(string state) => Build(state, _time.GetUtcNow());

    private byte[] Build(string state, DateTimeOffset at)
    {
        var problems = _alerts.Active;
        var colors = _colors.State;
        return FleetJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("state", state);
            w.WriteString("at", FleetJson.Timestamp(at));
            w.WriteString("version", _identity.Version);
            w.WriteString("bootId", _identity.BootId);
            w.WriteStartArray("problems");
            foreach (var problem in problems)
            {
                w.WriteStringValue(problem);
            }

            w.WriteEndArray();
            w.WriteStartObject("colorData");
            w.WriteString("feed", colors.Feed);
            if (colors.Seq is { } seq)
            {
                w.WriteNumber("seq", seq);
            }
            else
            {
                w.WriteNull("seq");
            }

            if (colors.InSyncAsOf is { } inSync)
            {
                w.WriteString("inSyncAsOf", FleetJson.Timestamp(inSync));
            }
            else
            {
                w.WriteNull("inSyncAsOf");
            }

            if (_feed?.Fetch is { } fetch)
            {
                // A manifest kept (color-feed.md rule 9) and how far its parts have got; absent when none is kept.
                w.WriteStartObject("fetch");
                w.WriteNumber("seq", fetch.Seq);
                w.WriteNumber("partsVerified", fetch.PartsVerified);
                w.WriteNumber("partsTotal", fetch.PartsTotal);
                w.WriteBoolean("active", fetch.Active);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>Publishes the current status (retained, QoS 1) and waits for the acknowledgement.</summary>
    public async Task PublishAsync(FleetSession session, CancellationToken cancellationToken)
    {
        var state = CurrentState;
        var now = _time.GetUtcNow();
        var payload = Build(state, now);

        // What the status says apart from its time ("at" is its second field): a refresh that changes nothing is no
        // news for the journal.
        var text = System.Text.Encoding.UTF8.GetString(payload);
        var at = $"\"at\":\"{FleetJson.Timestamp(now)}\"";
        var index = text.IndexOf(at, StringComparison.Ordinal);
        var content = index < 0 ? text : text.Remove(index, at.Length);
        var message = _connection.CreateMessage(_connection.Topics.Status, payload, MqttQualityOfServiceLevel.AtLeastOnce, retain: true, session.IsMqtt5);
        await _connection.PublishAsync(message, cancellationToken);
        if (Interlocked.Exchange(ref _lastContent, content) == content)
        {
            LogRefreshed(_logger, state);
        }
        else
        {
            LogPublished(_logger, state);
        }
    }

    /// <summary>Republishes on every change while connected, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _changed.Reader.ReadAsync(cancellationToken);
                if (!_connection.IsConnected)
                {
                    continue; // the next connect publishes the status anyway
                }

                var session = await _connection.WaitForSessionAsync(cancellationToken);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Ended);
                await PublishAsync(session, linked.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogFailed(_logger, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(EventId = 730, Level = LogLevel.Information, Message = "Fleet: status {State} published")]
    private static partial void LogPublished(ILogger logger, string state);

    [LoggerMessage(EventId = 733, Level = LogLevel.Debug, Message = "Fleet: status {State} published again unchanged")]
    private static partial void LogRefreshed(ILogger logger, string state);

    [LoggerMessage(EventId = 731, Level = LogLevel.Warning, Message = "Fleet: status not published ({Error}); it goes out on the next connect")]
    private static partial void LogFailed(ILogger logger, string error);
}
