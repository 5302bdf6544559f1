using Microsoft.Extensions.Logging;

namespace Kiosk.Mqtt;

/// <summary>
/// The one connect/reconnect loop of both MQTT links (the fleet connection and the color-feed client; MQTTnet 5 has
/// no managed client): runs one connected period after another, and between them waits an exponential back-off
/// with full jitter (<see cref="ReconnectBackoff"/>, from <see cref="BrokerLinkOptions.ReconnectMin"/> and
/// <see cref="BrokerLinkOptions.ReconnectMax"/>) on the injected clock. A period that got connected resets the back-off.
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
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Connection attempts begun.</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Attempts that got connected (2 or more: it reconnected).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Attempts that ended without getting connected (refused, unreachable, TLS failure, ...).</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

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
            LogReconnecting(_logger, _link, reason.ReplaceLineEndings(" "), (long)delay.TotalMilliseconds, failures);
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
}
