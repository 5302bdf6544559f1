using System.Security.Cryptography;
using Kiosk.Core;
using Kiosk.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kiosk.FleetConsole;

/// <summary>
/// A fleet manager's connection to the broker, on the kiosk's own <see cref="FleetConnection"/> (tool mode: its
/// own client id, no Will): connects or fails with one line within the timeout, hands every message to the
/// subscribers of <see cref="MessageReceived"/>, reconnects after a drop (the watch keeps running).
/// </summary>
public sealed class FleetConsoleSession : IAsyncDisposable
{
    private readonly FleetConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private readonly List<string> _kept = [];
    private Task? _running;

    private FleetConsoleSession(FleetConsoleSettings settings, TimeProvider time)
    {
        Settings = settings;
        _time = time;
        ClientId = "kiosk-fleet-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        _connection = FleetConnection.ForTool(settings.Broker, ClientId, time, NullLogger<FleetConnection>.Instance);
        _connection.MessageReceived = (message, at) => MessageReceived?.Invoke(message, at);
        _connection.SessionStarting = ResubscribeAsync;
    }

    /// <summary>Every message received (on MQTTnet's receive path: hand on, never wait).</summary>
    public event Action<MqttApplicationMessage, DateTimeOffset>? MessageReceived;

    /// <summary>The settings.</summary>
    public FleetConsoleSettings Settings { get; }

    /// <summary>This tool's MQTT client id (random per run).</summary>
    public string ClientId { get; }

    /// <summary>Where MQTT 5 answers to this tool go: <c>fleet/replies/{clientId}/…</c> (the shipped ACL lets kiosks write there).</summary>
    public string ReplyRoot => $"fleet/replies/{ClientId}";

    /// <summary>
    /// Whether this user receives what is published to its reply topic (learnt when reading retained messages; null
    /// before). When it does not (a user the ACL lets write commands but not read replies), answers must come on the
    /// kiosks' result topics instead of an MQTT 5 response topic.
    /// </summary>
    public bool? RepliesReadable { get; internal set; }

    /// <summary>True while connected.</summary>
    public bool IsConnected => _connection.IsConnected;

    /// <summary>Why the latest connection attempt failed, or null.</summary>
    public string? LastError => _connection.LastError;

    /// <summary>Connections made so far (more than one after a drop).</summary>
    public long SessionCount => _connection.SessionCount;

    /// <summary>Connects; throws <see cref="KioskInputException"/> naming the broker when it cannot within the timeout.</summary>
    public static async Task<FleetConsoleSession> ConnectAsync(FleetConsoleSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var session = new FleetConsoleSession(settings, time);
        var failed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        session._connection.ConnectFailed = error => failed.TrySetResult(error);
        session._running = Task.Run(() => session._connection.RunAsync(session._stop.Token), CancellationToken.None);
        try
        {
            using var timeout = new CancellationTokenSource(settings.Timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            var connected = session._connection.WaitForSessionAsync(linked.Token);
            var first = await Task.WhenAny(connected, failed.Task);
            if (first == failed.Task)
            {
                throw new KioskInputException($"cannot connect to the broker {settings.Endpoint}: {failed.Task.Result}");
            }

            try
            {
                await connected;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new KioskInputException($"cannot connect to the broker {settings.Endpoint}: no answer within {Seconds(settings.Timeout)} s");
            }

            session._connection.ConnectFailed = null;
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>Subscribes (QoS 1, or 0 for a snapshot of retained messages); returns the filters the broker refused.</summary>
    public async Task<IReadOnlyList<string>> SubscribeAsync(IEnumerable<string> filters, CancellationToken cancellationToken, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce)
    {
        var session = await _connection.WaitForSessionAsync(cancellationToken);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Ended);
        return await _connection.SubscribeAsync(filters, qos, linked.Token);
    }

    /// <summary>Subscribes now and again after every reconnect (the watch); returns the filters the broker refused.</summary>
    public async Task<IReadOnlyList<string>> KeepSubscribedAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken)
    {
        lock (_kept)
        {
            _kept.AddRange(filters);
        }

        return await SubscribeAsync(filters, cancellationToken);
    }

    /// <summary>The current session (waits for a reconnect when there is none).</summary>
    public Task<FleetSession> WaitForSessionAsync(CancellationToken cancellationToken) => _connection.WaitForSessionAsync(cancellationToken);

    /// <summary>A JSON message for the negotiated protocol (content type on MQTT 5).</summary>
    public MqttApplicationMessage CreateMessage(FleetSession session, string topic, byte[] payload, bool retain) =>
        _connection.CreateMessage(topic, payload, MqttQualityOfServiceLevel.AtLeastOnce, retain, session.IsMqtt5);

    /// <summary>Publishes (QoS 1); a refusal by the broker (ACL) is a <see cref="KioskInputException"/>.</summary>
    public async Task PublishAsync(FleetSession session, MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Ended);
        var result = await _connection.PublishAsync(message, linked.Token);
        if (result.ReasonCode is MqttClientPublishReasonCode.NotAuthorized)
        {
            throw new KioskInputException($"the broker refused to let this user publish to {message.Topic} (not authorized: check the broker ACL)");
        }

        if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
        {
            throw new KioskInputException($"the broker refused the message to {message.Topic} ({result.ReasonCode})");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time))
        {
            await _connection.DisconnectAsync(null, timeout.Token);
        }

        await _connection.DisposeAsync();
        _stop.Dispose();
    }

    private async Task ResubscribeAsync(FleetSession session, CancellationToken cancellationToken)
    {
        string[] filters;
        lock (_kept)
        {
            filters = [.. _kept];
        }

        if (filters.Length > 0)
        {
            await _connection.SubscribeAsync(filters, cancellationToken);
        }
    }

    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
