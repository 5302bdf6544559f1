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
    private volatile bool _connected;
    private long _received;
    private long _processed;

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
            return await lost.Task.WaitAsync(stoppingToken);
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
        var payload = e.ApplicationMessage.Payload.ToArray();
        await _inbox.Writer.WriteAsync(new Received(e.ApplicationMessage.Topic, payload, e));
    }

    private async Task ProcessInboxAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in _inbox.Reader.ReadAllAsync(CancellationToken.None))
        {
            // Rule 1 to 8 in one place: the same path as `kiosk colors import` and the scenario player.
            _processor.Process(message.Payload);
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

    private sealed record Received(string Topic, byte[] Payload, MqttApplicationMessageReceivedEventArgs Args);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Color feed broker {Host}:{Port} connected; subscribed to {Count} topics")]
    private static partial void LogConnected(ILogger logger, string host, int port, int count);

    [LoggerMessage(EventId = 7401, Level = LogLevel.Warning, Message = "Color feed broker refused the subscription to {Topic} ({Code}); check its ACL")]
    private static partial void LogSubscribeRefused(ILogger logger, string topic, string code);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Color feed message on {Topic} could not be acknowledged: {Reason}")]
    private static partial void LogAckFailed(ILogger logger, string topic, string reason);
}
