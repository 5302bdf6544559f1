using System.Buffers;
using System.Threading.Channels;
using Kiosk.Colors;
using Kiosk.Mqtt;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Kiosk.Fleet;

/// <summary>
/// Subscribes (QoS 1) to the feed topics on the configured broker and hands every payload to the
/// <see cref="ColorFeedProcessor"/>, reconnecting through the links' one <see cref="BrokerReconnectLoop"/>. A message is acknowledged
/// to the broker only after the processor has committed it (or refused it), so a crash before the commit gets it
/// redelivered. The session is persistent (clean start off, session expiry one day): batches published while the
/// kiosk is away wait at the broker.
/// </summary>
public sealed partial class MqttFeedClient : BackgroundService
{
    private const uint SessionExpirySeconds = 24 * 3600;

    private readonly ColorFeedProcessor _processor;
    private readonly FeedLinkOptions _options;
    private readonly int _maxPacketBytes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MqttClientFactory _factory = new();
    private readonly Channel<Received> _inbox = Channel.CreateBounded<Received>(new BoundedChannelOptions(16) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly BrokerReconnectLoop _loop;
    private readonly Channel<bool> _fetchSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly PartFetchState _parts = new();
    private volatile bool _connected;
    private long _received;
    private long _processed;
    private long _partsReceived;

    /// <param name="processor">Applies each message.</param>
    /// <param name="options">The link: broker, TLS, credentials, topics.</param>
    /// <param name="feed">The store's settings: the largest feed message (<see cref="ColorFeedOptions.MaxPacketBytes"/>).</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    public MqttFeedClient(ColorFeedProcessor processor, IOptions<FeedLinkOptions> options, IOptions<ColorFeedOptions> feed, TimeProvider time, ILogger<MqttFeedClient>? logger = null)
    {
        _processor = processor ?? throw new ArgumentNullException(nameof(processor));
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Value;
        _maxPacketBytes = (feed ?? throw new ArgumentNullException(nameof(feed))).Value.MaxPacketBytes;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _loop = new BrokerReconnectLoop(ColorFeedOptions.Section, _options, _time, _logger);
        _processor.FetchChanged += () => _fetchSignal.Writer.TryWrite(true);
        _parts.Bind(_options);
    }

    /// <summary>True while connected and subscribed.</summary>
    public bool IsConnected => _connected;

    /// <summary>Successful connections (subscriptions made) since start: 2 or more means it reconnected.</summary>
    public long ConnectionCount => _loop.Connections;

    /// <summary>Connection attempts that failed (refused, unreachable, TLS) since start.</summary>
    public long FailedAttempts => _loop.FailedAttempts;

    /// <summary>Feed messages received since start.</summary>
    public long ReceivedCount => Interlocked.Read(ref _received);

    /// <summary>Feed messages handed to the processor and done with (applied or refused) since start.</summary>
    public long ProcessedCount => Interlocked.Read(ref _processed);

    /// <summary>Manifest parts received on part topics since start (any outcome).</summary>
    public long PartsReceivedCount => Interlocked.Read(ref _partsReceived);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var worker = Task.Run(() => ProcessInboxAsync(stoppingToken), CancellationToken.None);
        try
        {
            await _loop.RunAsync(ConnectedPeriodAsync, stoppingToken);
        }
        finally
        {
            _inbox.Writer.TryComplete();
            await worker;
        }
    }

    /// <summary>One connected period of <see cref="BrokerReconnectLoop"/>: connect, subscribe, hold until the connection is lost.</summary>
    private async Task<string> ConnectedPeriodAsync(BrokerEndpoint broker, Action connected, CancellationToken stoppingToken)
    {
        using var client = _factory.CreateMqttClient();
        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e =>
        {
            lost.TrySetResult(e.Exception?.Message ?? e.ReasonString ?? e.Reason.ToString());
            return Task.CompletedTask;
        };
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        try
        {
            var result = await client.ConnectAsync(ClientOptions(broker), stoppingToken);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                // MQTTnet 5 returns a refused CONNACK (bad credentials, not authorized) instead of throwing: not a session.
                throw new InvalidOperationException($"the broker refused the connection ({result.ResultCode})");
            }

            foreach (var (topic, code) in await BrokerSubscriptions.SubscribeAsync(client, _options.Topics, MqttQualityOfServiceLevel.AtLeastOnce, _time, stoppingToken))
            {
                LogSubscribeRefused(_logger, topic, code.ToString());
            }

            _connected = true;
            connected();
            LogConnected(_logger, broker.Host, broker.Port, _options.Topics.Count);
            using var period = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var fetching = FetchPartsAsync(client, period.Token);
            try
            {
                return await lost.Task.WaitAsync(stoppingToken);
            }
            finally
            {
                await period.CancelAsync();
                await fetching;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _connected = false;
            await DisconnectQuietlyAsync(client);
            throw;
        }
        finally
        {
            _connected = false;
        }
    }

    /// <summary>The broker the current (or next) connection goes to.</summary>
    public BrokerEndpoint? Broker => _loop.Current;

    /// <summary>The MQTT client id of the link.</summary>
    public string ClientId => _options.EffectiveClientId;

    internal MqttClientOptions ClientOptions(BrokerEndpoint broker)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithClientId(_options.EffectiveClientId)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithTimeout(TimeSpan.FromSeconds(30));
        if (_options.IsMqtt311)
        {
            // 3.1.1 (a NATS cluster): a persistent session is clean session off; the broker keeps it (on JetStream).
            builder.WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311).WithCleanSession(false);
        }
        else
        {
            builder.WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                .WithCleanStart(false)
                .WithSessionExpiryInterval(SessionExpirySeconds)
                .WithMaximumPacketSize((uint)_maxPacketBytes);
        }

        BrokerCredentials.Apply(builder, _options.Security with { Host = broker.Host });
        return builder.Build();
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        // Acknowledge only after the processor is done with it (QoS 1 redelivery covers a crash before that).
        e.AutoAcknowledge = false;
        Interlocked.Increment(ref _received);
        var topic = e.ApplicationMessage.Topic;
        if (_options.TryParsePartTopic(topic, out var seq, out var index))
        {
            Interlocked.Increment(ref _partsReceived);
            if (e.ApplicationMessage.Payload.Length > HealthCode.Formats.Feed.FeedPart.MaxBytes || !_parts.Arrived(seq, index))
            {
                // A part nobody asked for or over a part's size: dropped before it is copied (a flood costs nothing).
                e.AutoAcknowledge = true;
                return;
            }

            await _inbox.Writer.WriteAsync(new Received(topic, e.ApplicationMessage.Payload.ToArray(), e, seq, index));
            return;
        }

        var payload = e.ApplicationMessage.Payload.ToArray();
        await _inbox.Writer.WriteAsync(new Received(topic, payload, e));
    }

    private async Task ProcessInboxAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in _inbox.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (message.PartIndex is { } index)
            {
                // Rule 10: a part of the kept manifest (not COSE: checked against the manifest's hash). Verified and
                // written, and at the last one the whole province loaded, on a thread of lower priority: decisions
                // keep their pace on a 2-core Pi meanwhile (LoaderThread).
                FeedOutcome outcome = default!;
                await LoaderThread.Run(() => outcome = _processor.ProcessPart(message.PartSeq, index, message.Payload), "feed-part");
                if (outcome.Kind == FeedOutcomeKind.Rejected && index is >= 0 and <= int.MaxValue)
                {
                    _parts.BackOff(message.PartSeq, (int)index, _time.GetUtcNow(), _options.PartRetryMin, _options.ReconnectMax);
                }

                _fetchSignal.Writer.TryWrite(true);
            }
            else
            {
                // Rule 1 to 9 in one place: the same path as `kiosk colors import` and the scenario player.
                _processor.Process(message.Payload);
            }

            Interlocked.Increment(ref _processed);
            try
            {
                await message.Args.AcknowledgeAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is MqttCommunicationException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
            {
                // The connection is gone: the broker redelivers it (persistent session), and the processor ignores a duplicate.
                LogAckFailed(_logger, message.Topic, ex.Message);
            }
        }
    }

    private static async Task DisconnectQuietlyAsync(IMqttClient client)
    {
        if (!client.IsConnected)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            // Shutting down anyway.
        }
    }

    /// <summary>
    /// Rule 10 over MQTT for one connected period: subscribes to the part topics of an active fetch, at most
    /// <see cref="FeedLinkOptions.PartWindow"/> at a time (each retained part arrives on subscribe), unsubscribes as they
    /// verify, re-subscribes with back-off to a part whose hash differed, abandons the manifest when a part stays absent
    /// for <see cref="FeedLinkOptions.PartTimeout"/>, and asks for the retained snapshot again after a <c>resync</c>.
    /// </summary>
    private async Task FetchPartsAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        try
        {
            // Subscriptions of the previous connection live on in the persistent session: start from none.
            await UnsubscribeAsync(client, _parts.TakeAll(), cancellationToken);
            var resyncSeen = _processor.ResyncRequests;
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_processor.ResyncRequests != resyncSeen)
                {
                    resyncSeen = _processor.ResyncRequests;
                    // A subscription made again sends the retained message again (MQTT 5 retain handling 0, and 3.1.1);
                    // at QoS 1 like the first, so that batches keep waiting in the session.
                    await SubscribeAsync(client, [_options.Topics[0]], MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);
                }

                var now = _time.GetUtcNow();
                var wanted = _processor.PartsWanted(_options.PartWindow);
                var (drop, add) = _parts.Plan(wanted, now);
                await UnsubscribeAsync(client, drop, cancellationToken);
                if (add.Count > 0)
                {
                    await SubscribeAsync(client, add.Select(index => _options.PartTopic(wanted!.Seq, index)), PartQos, cancellationToken);
                }

                if (wanted is not null && _parts.Absent(now, _options.PartTimeout) is { } absent)
                {
                    _processor.AbandonFetch(wanted.Seq, $"part {absent} absent for {_options.PartTimeout.TotalSeconds:0} s (cleared by the authority)");
                    continue;
                }

                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1), _time);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wait.Token);
                try
                {
                    await _fetchSignal.Reader.ReadAsync(either.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The second's tick: time-outs and back-offs.
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is MqttCommunicationException or InvalidOperationException or ObjectDisposedException)
        {
            // The connection is going: the next period starts the fetch again where the disk says it is.
            LogPartFetchStopped(_logger, ex.Message);
        }
    }

    /// <summary>
    /// The QoS of a part subscription: 0. A part is a retained message pulled by subscribing; what makes its fetch
    /// reliable is the fetch loop (parts verified are on disk, a part not yet verified is subscribed again on every
    /// connection, re-asked after a bad hash, abandoned when absent), not the session. At QoS 1 a persistent session
    /// on NATS creates (and on unsubscribe deletes) a durable JetStream consumer, replicated on three nodes, for every
    /// part: tens of milliseconds each on a whole cluster, and up to the node's 4 s time-out per attempt while it has
    /// lost a peer, which stalled a province's fetch after a failover. At QoS 0 a part subscription is a plain
    /// subscription on every broker, and nothing of it lingers in the session.
    /// </summary>
    internal const MqttQualityOfServiceLevel PartQos = MqttQualityOfServiceLevel.AtMostOnce;

    /// <summary>Subscribes through the links' one retrying subscriber (a NATS node may refuse a subscription while it
    /// sets up a replicated consumer); a topic still refused is logged, and its part then times out as absent.</summary>
    private async Task SubscribeAsync(IMqttClient client, IEnumerable<string> topics, MqttQualityOfServiceLevel qos, CancellationToken cancellationToken)
    {
        foreach (var (topic, code) in await BrokerSubscriptions.SubscribeAsync(client, topics, qos, _time, cancellationToken))
        {
            LogSubscribeRefused(_logger, topic, code.ToString());
        }
    }

    private async Task UnsubscribeAsync(IMqttClient client, IReadOnlyList<string> topics, CancellationToken cancellationToken)
    {
        if (topics.Count == 0)
        {
            return;
        }

        var unsubscribe = _factory.CreateUnsubscribeOptionsBuilder();
        foreach (var topic in topics)
        {
            unsubscribe.WithTopicFilter(topic);
        }

        await client.UnsubscribeAsync(unsubscribe.Build(), cancellationToken);
    }

    private sealed record Received(string Topic, byte[] Payload, MqttApplicationMessageReceivedEventArgs Args, ulong PartSeq = 0, long? PartIndex = null);

    /// <summary>The part topics subscribed (with when) and the back-off of parts whose hash differed. Thread-safe: the
    /// message handler asks <see cref="IsSubscribed"/> while the fetch loop plans.</summary>
    private sealed class PartFetchState
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<int, DateTimeOffset> _subscribed = [];
        private readonly Dictionary<int, (DateTimeOffset Until, TimeSpan Delay)> _backOff = [];
        private ulong _seq;
        private FeedLinkOptions? _topics;

        public void Bind(FeedLinkOptions topics) => _topics = topics;

        /// <summary>True when the part was asked for; it then no longer counts as absent.</summary>
        public bool Arrived(ulong seq, long index)
        {
            lock (_lock)
            {
                if (seq != _seq || index is < 0 or > int.MaxValue || !_subscribed.ContainsKey((int)index))
                {
                    return false;
                }

                _subscribed[(int)index] = DateTimeOffset.MaxValue;
                return true;
            }
        }

        /// <summary>Forgets every subscription (the session's, from a previous connection) and returns their topics.</summary>
        public IReadOnlyList<string> TakeAll()
        {
            lock (_lock)
            {
                var topics = _subscribed.Keys.Select(i => _topics!.PartTopic(_seq, i)).ToList();
                _subscribed.Clear();
                return topics;
            }
        }

        /// <summary>What to unsubscribe and which indexes to subscribe so that the subscriptions are the wanted parts
        /// not in back-off.</summary>
        public (IReadOnlyList<string> Drop, IReadOnlyList<int> Add) Plan(ManifestPartsWanted? wanted, DateTimeOffset now)
        {
            lock (_lock)
            {
                var drop = new List<string>();
                if (wanted is null || wanted.Seq != _seq)
                {
                    drop.AddRange(_subscribed.Keys.Select(i => _topics!.PartTopic(_seq, i)));
                    _subscribed.Clear();
                    _backOff.Clear();
                    _seq = wanted?.Seq ?? 0;
                }

                if (wanted is null)
                {
                    return (drop, []);
                }

                var desired = wanted.Parts.Where(i => !_backOff.TryGetValue(i, out var b) || b.Until <= now).ToHashSet();
                foreach (var index in _subscribed.Keys.Where(i => !desired.Contains(i)).ToList())
                {
                    drop.Add(_topics!.PartTopic(_seq, index));
                    _subscribed.Remove(index);
                }

                var add = desired.Where(i => !_subscribed.ContainsKey(i)).Order().ToList();
                foreach (var index in add)
                {
                    _subscribed[index] = now;
                }

                return (drop, add);
            }
        }

        /// <summary>A part subscribed for longer than <paramref name="timeout"/> without arriving, or null.</summary>
        public int? Absent(DateTimeOffset now, TimeSpan timeout)
        {
            lock (_lock)
            {
                foreach (var (index, since) in _subscribed)
                {
                    if (since != DateTimeOffset.MaxValue && now - since >= timeout)
                    {
                        return index;
                    }
                }

                return null;
            }
        }

        /// <summary>A part whose hash differed: not subscribed again before the back-off (doubling) is over.</summary>
        public void BackOff(ulong seq, int index, DateTimeOffset now, TimeSpan min, TimeSpan max)
        {
            lock (_lock)
            {
                if (seq != _seq)
                {
                    return;
                }

                var delay = _backOff.TryGetValue(index, out var previous) ? TimeSpan.FromTicks(Math.Min(previous.Delay.Ticks * 2, Math.Max(max.Ticks, min.Ticks))) : min;
                _backOff[index] = (now + delay, delay);
            }
        }
    }

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Color feed broker {Host}:{Port} connected; subscribed to {Count} topics")]
    private static partial void LogConnected(ILogger logger, string host, int port, int count);

    [LoggerMessage(EventId = 3151, Level = LogLevel.Warning, Message = "Color feed part fetch stopped with the connection: {Reason}")]
    private static partial void LogPartFetchStopped(ILogger logger, string reason);

    [LoggerMessage(EventId = 7401, Level = LogLevel.Warning, Message = "Color feed broker refused the subscription to {Topic} ({Code}); check its ACL")]
    private static partial void LogSubscribeRefused(ILogger logger, string topic, string code);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Color feed message on {Topic} could not be acknowledged: {Reason}")]
    private static partial void LogAckFailed(ILogger logger, string topic, string reason);
}
