using Microsoft.Extensions.Logging;

namespace Kiosk.Mqtt;

/// <summary>
/// The one connect/reconnect loop of both MQTT links (the fleet connection and the color-feed client; MQTTnet 5 has
/// no managed client): runs one connected period after another, and between them waits an exponential back-off
/// with full jitter (<see cref="ReconnectBackoff"/>, from <see cref="BrokerLinkOptions.ReconnectMin"/> and
/// <see cref="BrokerLinkOptions.ReconnectMax"/>) on the injected clock. A period that got connected resets the back-off.
/// With a list of brokers (<see cref="BrokerLinkOptions.Brokers"/>, a cluster) each period that failed or ended
/// moves to the next broker of the list, round the list: a dead node costs one back-off wait.
/// </summary>
public sealed partial class BrokerReconnectLoop
{
    private readonly string _link;
    private readonly ReconnectBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _attempts;
    private long _connections;
    private long _failedAttempts;
    private readonly IReadOnlyList<BrokerEndpoint> _brokers;
    private int _next;

    /// <param name="link">The link's name in log lines (<c>Fleet</c>, <c>ColorFeed</c>).</param>
    /// <param name="options">The link's broker settings (back-off bounds).</param>
    /// <param name="time">Clock of the back-off waits.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="random">Jitter (seeded in tests); null = shared.</param>
    public BrokerReconnectLoop(string link, BrokerLinkOptions options, TimeProvider time, ILogger logger, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _link = link;
        _backoff = new ReconnectBackoff(options.ReconnectMin, options.ReconnectMax, random);
        _brokers = options.Brokers;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Connection attempts begun.</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Attempts that got connected (2 or more: it reconnected).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Attempts that ended without getting connected (refused, unreachable, TLS failure, ...).</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>The brokers this loop goes round (empty when none is configured).</summary>
    public IReadOnlyList<BrokerEndpoint> Brokers => _brokers;

    /// <summary>The broker the current (or next) period connects to; null when none is configured.</summary>
    public BrokerEndpoint? Current => _brokers.Count == 0 ? null : _brokers[(int)((uint)Volatile.Read(ref _next) % (uint)_brokers.Count)];

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled, each period on the next broker of the list
    /// (<see cref="Current"/>); <paramref name="period"/> gets the broker to connect to. Otherwise as
    /// <see cref="RunAsync(Func{Action, CancellationToken, Task{string}}, CancellationToken)"/>.
    /// </summary>
    public Task RunAsync(Func<BrokerEndpoint, Action, CancellationToken, Task<string>> period, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        if (_brokers.Count == 0)
        {
            throw new InvalidOperationException("No broker is configured for this link.");
        }

        return RunAsync((connected, token) => period(Current!, connected, token), stoppingToken);
    }

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled. <paramref name="period"/> connects and sets up (it
    /// calls the given action once connected), then returns, with the reason, when the connection has ended; it
    /// throws when connecting or setting up fails. Both mean: back off, then the next period.
    /// </summary>
    public async Task RunAsync(Func<Action, CancellationToken, Task<string>> period, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _attempts);
            var connected = false;
            string reason;
            try
            {
                reason = await period(
                    () =>
                    {
                        connected = true;
                        failures = 0;
                        Interlocked.Increment(ref _connections);
                    },
                    stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Any failure to connect or set up (refused, unreachable, timed out, protocol error): back off, retry.
                reason = $"{ex.GetType().Name}: {ex.Message}";
            }

            if (!connected)
            {
                Interlocked.Increment(ref _failedAttempts);
            }

            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            var delay = _backoff.Next(failures++);
            if (_brokers.Count > 1)
            {
                // A cluster: the next period goes to the next node (the one just used may be the one that died).
                var next = _brokers[(int)((uint)Interlocked.Increment(ref _next) % (uint)_brokers.Count)];
                LogMovingOn(_logger, _link, reason.ReplaceLineEndings(" "), next.ToString(), (long)delay.TotalMilliseconds, failures);
            }
            else
            {
                LogReconnecting(_logger, _link, reason.ReplaceLineEndings(" "), (long)delay.TotalMilliseconds, failures);
            }

            try
            {
                await Task.Delay(delay, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 713, Level = LogLevel.Warning, Message = "MQTT {Link}: {Reason}; reconnecting in {DelayMs} ms (attempt {Attempt})")]
    private static partial void LogReconnecting(ILogger logger, string link, string reason, long delayMs, int attempt);

    [LoggerMessage(EventId = 7400, Level = LogLevel.Warning, Message = "MQTT {Link}: {Reason}; trying the next broker {Next} in {DelayMs} ms (attempt {Attempt})")]
    private static partial void LogMovingOn(ILogger logger, string link, string reason, string next, long delayMs, int attempt);
}
