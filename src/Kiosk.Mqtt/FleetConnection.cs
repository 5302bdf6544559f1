using System.Text;
using Kiosk.Core.Checkpoint;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Mqtt;

/// <summary>
/// The kiosk's MQTT connection (MQTTnet 5 has no managed client): client id = <c>Fleet:ClientId</c> or the kiosk id, clean start, the Will
/// <c>{"state":"lost"}</c> retained on <c>status</c>, TLS with CA pinning, user/password or client certificate,
/// reconnecting through the links' one <see cref="BrokerReconnectLoop"/>. Durability is the
/// kiosk's own outbox, not the broker session.
/// </summary>
public sealed partial class FleetConnection : IAsyncDisposable
{
    /// <summary>The Will payload of mqtt.md when the process is not known (no <see cref="FleetIdentity"/>).</summary>
    public const string WillPayload = """{"state":"lost"}""";

    private readonly FleetIdentity? _identity;

    private readonly FleetOptions _options;
    private readonly FleetTopics? _topics;
    private readonly string _clientId;
    private readonly Connectivity _connectivity;
    private readonly TimeProvider _time;
    private readonly ILogger<FleetConnection> _logger;
    private readonly EmbeddedBroker? _embedded;
    private readonly BrokerReconnectLoop _loop;
    private bool _disconnectingByUs;
    private readonly IMqttClient _client;
    private readonly object _gate = new();
    private FleetSession? _session;
    private CancellationTokenSource? _sessionEnd;
    private TaskCompletionSource _sessionChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sessionCount;
    private long _connectedTimestamp;
    private int _failuresInARow;
    private string? _lastError;

    /// <summary>Creates the connection (nothing happens until <see cref="RunAsync"/>).</summary>
    /// <param name="options">Section <c>Fleet</c>.</param>
    /// <param name="topics">The kiosk's topics.</param>
    /// <param name="connectivity">Set online while connected (status strip).</param>
    /// <param name="time">Clock for back-off waits.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="embeddedBroker">Used when no broker is configured; null = no fleet connection then.</param>
    /// <param name="random">Jitter randomness (tests); null = shared.</param>
    /// <param name="identity">This process (version, bootId): the Will carries what the kiosk knew at connect; null = <see cref="WillPayload"/>.</param>
    public FleetConnection(IOptions<FleetOptions> options, FleetTopics topics, Connectivity connectivity, TimeProvider time, ILogger<FleetConnection> logger, EmbeddedBroker? embeddedBroker = null, Random? random = null, FleetIdentity? identity = null)
        : this(options.Value, topics, string.IsNullOrWhiteSpace(options.Value.ClientId) ? topics.KioskId : options.Value.ClientId, connectivity, time, logger, embeddedBroker, random)
    {
        _identity = identity;
    }

    /// <summary>
    /// The Will of a kiosk connecting at <paramref name="connectedAt"/>: <c>state</c> <c>lost</c> with what it knew
    /// then (<c>version</c>, <c>bootId</c>, <c>connectedAt</c>), so a lost kiosk still shows which software and which
    /// start it was. Nothing about visitors.
    /// </summary>
    public static byte[] Will(FleetIdentity? identity, DateTimeOffset connectedAt) =>
        identity is null
            ? Encoding.UTF8.GetBytes(WillPayload)
            : FleetJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("state", KioskState.Lost);
                w.WriteString("version", identity.Version);
                w.WriteString("bootId", identity.BootId.ToString());
                w.WriteString("connectedAt", FleetJson.Timestamp(connectedAt));
                w.WriteEndObject();
            });

    private FleetConnection(FleetOptions options, FleetTopics? topics, string clientId, Connectivity connectivity, TimeProvider time, ILogger<FleetConnection> logger, EmbeddedBroker? embeddedBroker, Random? random)
    {
        _options = options;
        _topics = topics;
        _clientId = clientId;
        _connectivity = connectivity;
        _time = time;
        _logger = logger;
        _embedded = embeddedBroker;
        _loop = new BrokerReconnectLoop(FleetOptions.Section, _options, time, logger, random);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    /// <summary>
    /// A fleet manager's connection (<c>kiosk fleet</c>): its own client id, no Will and no kiosk topics; the same
    /// broker, TLS, credentials, protocol, timeouts and reconnect back-off settings as a kiosk's (section <c>Fleet</c>).
    /// </summary>
    public static FleetConnection ForTool(FleetOptions options, string clientId, TimeProvider time, ILogger<FleetConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        return new FleetConnection(options, null, clientId, new Connectivity(), time, logger, null, null);
    }

    /// <summary>
    /// Runs after each CONNACK, before the session is handed to <see cref="WaitForSessionAsync"/> (subscribe, status,
    /// reported configuration). An exception drops the connection and a reconnect follows.
    /// </summary>
    public Func<FleetSession, CancellationToken, Task>? SessionStarting { get; set; }

    /// <summary>
    /// An incoming message with the time it arrived. Called on MQTTnet's receive path: must only hand the message
    /// on (a channel), never wait for the broker.
    /// </summary>
    public Action<MqttApplicationMessage, DateTimeOffset>? MessageReceived { get; set; }

    /// <summary>
    /// Called when the broker ended the session because another client connected with the same client id (MQTT 5
    /// reason Session taken over): two kiosks configured with one id. Called on MQTTnet's disconnect path: must not wait.
    /// </summary>
    public Action? SessionTakenOver { get; set; }

    /// <summary>
    /// Called when a session that was up ends without this side asking (the broker closed it, or the network failed),
    /// with how long it lasted since the CONNACK. Called on MQTTnet's disconnect path: must not wait.
    /// </summary>
    public Action<TimeSpan>? SessionLost { get; set; }

    /// <summary>
    /// Called with the reason when a connection attempt fails and every broker of the list has failed since the last
    /// connection (one broker: at each failure). A tool stops at the first call; a kiosk keeps trying.
    /// </summary>
    public Action<string>? ConnectFailed { get; set; }

    /// <summary>The topics of this kiosk (a tool's connection has none).</summary>
    public FleetTopics Topics => _topics ?? throw new InvalidOperationException("A fleet tool's connection has no kiosk topics.");

    /// <summary>Why the latest connection attempt failed; null after a successful connect.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>True while connected.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>The MQTT client id of this connection.</summary>
    public string ClientId => _clientId;

    /// <summary>The broker the current (or next) connection goes to; null with the embedded broker or none.</summary>
    public BrokerEndpoint? Broker => _options.HasBroker ? _loop.Current : null;

    /// <summary>Connections made so far.</summary>
    public long SessionCount => Interlocked.Read(ref _sessionCount);

    /// <summary>True when there is a broker to connect to (configured, or the embedded one).</summary>
    public bool Enabled => _options.HasBroker || _embedded is not null;

    /// <summary>The current session, or the next one.</summary>
    public async Task<FleetSession> WaitForSessionAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_session is { } session && !session.Ended.IsCancellationRequested)
                {
                    return session;
                }

                changed = _sessionChanged.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Connects, keeps reconnecting with back-off (<see cref="BrokerReconnectLoop"/>), until cancelled. Cancelling does not disconnect: see <see cref="DisconnectAsync"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            LogNoBroker(_logger);
            return;
        }

        if (_options.HasBroker)
        {
            await _loop.RunAsync((broker, connected, token) => ConnectedPeriodAsync(broker, connected, token), cancellationToken);
        }
        else
        {
            await _loop.RunAsync((connected, token) => ConnectedPeriodAsync(null, connected, token), cancellationToken);
        }
    }

    /// <summary>Connection attempts that failed (refused, unreachable, TLS, session set-up) so far.</summary>
    public long FailedAttempts => _loop.FailedAttempts;

    /// <summary>One connected period: connect, run the session hook, go online, hold until the session ends.</summary>
    private async Task<string> ConnectedPeriodAsync(BrokerEndpoint? broker, Action connected, CancellationToken cancellationToken)
    {
        using var sessionEnd = new CancellationTokenSource();
        lock (_gate)
        {
            _sessionEnd = sessionEnd;
        }

        var endpoint = "?";
        try
        {
            var (host, port) = broker is not null ? (broker.Host, broker.Port) : ("127.0.0.1", await _embedded!.StartAsync(cancellationToken));
            endpoint = $"{host}:{port}";
            Volatile.Write(ref _disconnectingByUs, false);
            var result = await _client.ConnectAsync(BuildClientOptions(host, port), cancellationToken);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                // MQTTnet 5 returns a refused CONNACK instead of throwing: not a session.
                throw new InvalidOperationException($"the broker refused the connection ({result.ResultCode}{(string.IsNullOrEmpty(result.ReasonString) ? string.Empty : ": " + result.ReasonString)})");
            }

            Volatile.Write(ref _connectedTimestamp, _time.GetTimestamp());
            var receiveMaximum = result.ReceiveMaximum is > 0 ? result.ReceiveMaximum.Value : ushort.MaxValue;
            var session = new FleetSession(Interlocked.Increment(ref _sessionCount), _client.Options.ProtocolVersion, Math.Min(_options.MaxInFlight, receiveMaximum), sessionEnd.Token);
            LogConnected(_logger, endpoint, _clientId, session.Number, session.MaxInFlight);
            Volatile.Write(ref _lastError, null);
            _failuresInARow = 0;
            connected();
            if (SessionStarting is { } starting)
            {
                await starting(session, sessionEnd.Token);
            }

            _connectivity.Online = true;
            SetSession(session);
            using var whileConnected = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, sessionEnd.Token);
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, whileConnected.Token);
            return $"session with {endpoint} ended";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && sessionEnd.IsCancellationRequested)
        {
            LogSessionEnded(_logger, endpoint);
            return $"session with {endpoint} ended";
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            // The innermost reason says most ("Connection refused", a certificate error, bad user name or password).
            var reason = ex.GetBaseException().Message;
            Volatile.Write(ref _lastError, reason);
            if (++_failuresInARow >= Math.Max(1, _loop.Brokers.Count))
            {
                ConnectFailed?.Invoke(_loop.Brokers.Count > 1 ? $"{endpoint}: {reason} (and every other broker of the list failed)" : reason);
            }
            throw new IOException($"{endpoint}: {ex.GetType().Name}: {ex.Message}", ex);
        }
        finally
        {
            _connectivity.Online = false;
            SetSession(null);
            await sessionEnd.CancelAsync();
            if (!cancellationToken.IsCancellationRequested && _client.IsConnected)
            {
                // The session hook failed on a live connection: drop it and start over.
                await TryDisconnectAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>Publishes one message; throws when not connected or the connection drops before the acknowledgement.</summary>
    public Task<MqttClientPublishResult> PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken) =>
        _client.PublishAsync(message, cancellationToken);

    /// <summary>Subscribes (QoS 1) to the filters; returns the filters the broker refused (logged).</summary>
    public Task<IReadOnlyList<string>> SubscribeAsync(IEnumerable<string> filters, CancellationToken cancellationToken) =>
        SubscribeAsync(filters, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);

    /// <summary>
    /// Subscribes to the filters at <paramref name="qos"/> (QoS 0 lets a broker send a retained snapshot without
    /// waiting for acknowledgements); returns the filters the broker refused (logged), after the retries of
    /// <see cref="BrokerSubscriptions"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> SubscribeAsync(IEnumerable<string> filters, MqttQualityOfServiceLevel qos, CancellationToken cancellationToken)
    {
        var refused = new List<string>();
        foreach (var (filter, code) in await BrokerSubscriptions.SubscribeAsync(_client, filters, qos, _time, cancellationToken))
        {
            refused.Add(filter);
            LogSubscribeRefused(_logger, filter, code.ToString());
        }

        return refused;
    }

    /// <summary>A message for the current protocol: JSON content type and UTF-8 indicator on MQTT 5.</summary>
    public MqttApplicationMessage CreateMessage(string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain, bool mqtt5)
    {
        var builder = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).WithRetainFlag(retain);
        if (mqtt5)
        {
            builder.WithContentType("application/json").WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData);
        }

        return builder.Build();
    }

    /// <summary>
    /// Clean shutdown: publishes <paramref name="finalStatus"/> (retained, QoS 1, acknowledged) when connected, then a
    /// normal DISCONNECT so the broker does not send the Will. When the final status was not acknowledged (a broker
    /// too slow for the stop, the host's stop token already spent), a normal DISCONNECT would leave the last
    /// <c>online</c> standing for good: the connection is then dropped so that the broker publishes the Will
    /// (<c>lost</c>) instead, with MQTT 5's "disconnect with Will message" or, on 3.1.1, by closing the socket
    /// without DISCONNECT. Call after <see cref="RunAsync"/> was cancelled.
    /// </summary>
    public async Task DisconnectAsync(byte[]? finalStatus, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            return;
        }

        // The final status gets its own timeout: a host whose stop token is already spent still says goodbye.
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        var said = finalStatus is null || _topics is null;
        try
        {
            if (!said)
            {
                var result = await _client.PublishAsync(CreateMessage(_topics!.Status, finalStatus!, MqttQualityOfServiceLevel.AtLeastOnce, retain: true, _client.Options.ProtocolVersion == MqttProtocolVersion.V500), timeout.Token);
                said = result.IsSuccess;
                if (!said)
                {
                    LogFinalStatusFailed(_logger, "refused", result.ReasonCode.ToString());
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFinalStatusFailed(_logger, ex.GetType().Name, ex.Message);
        }

        if (said)
        {
            await TryDisconnectAsync(timeout.Token);
            LogDisconnected(_logger);
        }
        else
        {
            await DropForWillAsync(timeout.Token);
        }
    }

    /// <summary>Ends the connection so that the broker publishes the Will: MQTT 5 says so in its DISCONNECT; 3.1.1 has no such DISCONNECT, so the socket closes without one.</summary>
    internal async Task DropForWillAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _disconnectingByUs, true);
        try
        {
            if (_client.Options.ProtocolVersion == MqttProtocolVersion.V500)
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.DisconnectWithWillMessage).Build(), cancellationToken);
            }
            else
            {
                // MQTTnet's Dispose closes the channel without sending DISCONNECT.
                _client.Dispose();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogDisconnectFailed(_logger, ex.GetType().Name);
            _client.Dispose();
        }

        LogDroppedForWill(_logger);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await TryDisconnectAsync(CancellationToken.None);
        _client.Dispose();
    }

    internal MqttClientOptions BuildClientOptions(string host, int port)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithClientId(_clientId)
            .WithTcpServer(host, port)
            .WithProtocolVersion(_options.IsMqtt311 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithCleanSession(true)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(_options.Timeout);
        if (_topics is not null)
        {
            // A kiosk: the broker says "lost" for it when it vanishes.
            builder.WithWillTopic(_topics.Status)
                .WithWillPayload(Will(_identity, _time.GetUtcNow()))
                .WithWillRetain(true)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
            if (!_options.IsMqtt311)
            {
                builder.WithWillContentType("application/json").WithWillPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData);
            }
        }

        if (_options.HasBroker)
        {
            BrokerCredentials.Apply(builder, _options.Security with { Host = host });
        }

        return builder.Build();
    }

    private void SetSession(FleetSession? session)
    {
        TaskCompletionSource old;
        lock (_gate)
        {
            _session = session;
            old = _sessionChanged;
            _sessionChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        old.TrySetResult();
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        CancellationTokenSource? end;
        lock (_gate)
        {
            end = _sessionEnd;
        }

        if (e.ClientWasConnected && !Volatile.Read(ref _disconnectingByUs))
        {
            LogConnectionLost(_logger, e.Reason.ToString(), e.Exception?.GetType().Name ?? "-");
            if (e.Reason == MqttClientDisconnectReason.SessionTakenOver)
            {
                SessionTakenOver?.Invoke();
            }

            SessionLost?.Invoke(_time.GetElapsedTime(Volatile.Read(ref _connectedTimestamp)));
        }

        // Never run the session's continuations on MQTTnet's own disconnect path.
        if (end is not null)
        {
            ThreadPool.QueueUserWorkItem(static s =>
            {
                try
                {
                    ((CancellationTokenSource)s!).Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The session already ended.
                }
            }, end);
        }

        return Task.CompletedTask;
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        MessageReceived?.Invoke(e.ApplicationMessage, _time.GetUtcNow());
        return Task.CompletedTask;
    }

    private async Task TryDisconnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_client.IsConnected)
            {
                // Our own disconnect is not a lost connection: no warning for it (MQTTnet reports it after
                // DisconnectAsync has returned; the flag is cleared by the next connect).
                Volatile.Write(ref _disconnectingByUs, true);
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogDisconnectFailed(_logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 710, Level = LogLevel.Information, Message = "Fleet: no broker configured (Fleet:Host empty); events stay in the outbox")]
    private static partial void LogNoBroker(ILogger logger);

    [LoggerMessage(EventId = 711, Level = LogLevel.Information, Message = "Fleet: connected to {Endpoint} as {ClientId} (session {Session}, {InFlight} in flight)")]
    private static partial void LogConnected(ILogger logger, string endpoint, string clientId, long session, int inFlight);

    [LoggerMessage(EventId = 714, Level = LogLevel.Warning, Message = "Fleet: connection lost ({Reason}, {Error})")]
    private static partial void LogConnectionLost(ILogger logger, string reason, string error);

    [LoggerMessage(EventId = 715, Level = LogLevel.Information, Message = "Fleet: session with {Endpoint} ended")]
    private static partial void LogSessionEnded(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 716, Level = LogLevel.Warning, Message = "Fleet: the broker refused the subscription to {Filter} ({Code}); check its ACL")]
    private static partial void LogSubscribeRefused(ILogger logger, string filter, string code);

    [LoggerMessage(EventId = 717, Level = LogLevel.Warning, Message = "Fleet: the final status was not acknowledged ({Error}: {Message})")]
    private static partial void LogFinalStatusFailed(ILogger logger, string error, string message);

    [LoggerMessage(EventId = 712, Level = LogLevel.Warning, Message = "Fleet: disconnected without the final status; the broker publishes the Will (lost)")]
    private static partial void LogDroppedForWill(ILogger logger);

    [LoggerMessage(EventId = 718, Level = LogLevel.Information, Message = "Fleet: disconnected cleanly")]
    private static partial void LogDisconnected(ILogger logger);

    [LoggerMessage(EventId = 719, Level = LogLevel.Debug, Message = "Fleet: disconnect failed ({Error})")]
    private static partial void LogDisconnectFailed(ILogger logger, string error);
}
