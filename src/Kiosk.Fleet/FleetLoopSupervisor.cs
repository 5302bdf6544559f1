using Kiosk.Core.Checkpoint;
using Kiosk.Mqtt;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Fleet;

/// <summary>
/// Runs the fleet service's loops (connection, outbox, status, telemetry, commands, desired configuration). A loop
/// that throws is logged, raises <c>fleet_fault</c> (so the status turns <c>degraded</c> and the fleet sees it at
/// once) and is started again after a back-off (<see cref="ReconnectBackoff"/> between <c>Fleet:ReconnectMin</c> and
/// <c>Fleet:ReconnectMax</c>, growing while it keeps failing). Once every restarted loop has run for
/// <c>Fleet:ReconnectMax</c> without failing, the alert clears. A loop that returns on its own (nothing to do, e.g.
/// no remote configuration) is not restarted.
/// </summary>
/// <remarks>
/// Restarting in process rather than stopping the host: the fleet link is not on the checkpoint path, so a fault in
/// it must not turn visitors away while systemd restarts the kiosk; the checkpoint keeps deciding and the outbox keeps
/// every event. A fault that keeps coming back stays visible as an active <c>fleet_fault</c>.
/// </remarks>
public sealed partial class FleetLoopSupervisor
{
    private readonly IAlerts _alerts;
    private readonly TimeProvider _time;
    private readonly ILogger<FleetLoopSupervisor> _logger;
    private readonly ReconnectBackoff _backoff;
    private readonly TimeSpan _stableAfter;
    private readonly object _gate = new();
    private readonly HashSet<string> _faulted = new(StringComparer.Ordinal);
    private long _restarts;

    /// <summary>Creates the supervisor.</summary>
    /// <param name="options">Back-off bounds (<c>Fleet:ReconnectMin</c>, <c>Fleet:ReconnectMax</c>).</param>
    /// <param name="alerts">Where <c>fleet_fault</c> is raised and cleared.</param>
    /// <param name="time">Clock of the back-off and of the stable period.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="random">Jitter randomness (tests); null = shared.</param>
    public FleetLoopSupervisor(IOptions<FleetOptions> options, IAlerts alerts, TimeProvider time, ILogger<FleetLoopSupervisor> logger, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _alerts = alerts;
        _time = time;
        _logger = logger;
        _backoff = new ReconnectBackoff(options.Value.ReconnectMin, options.Value.ReconnectMax, random);
        _stableAfter = options.Value.ReconnectMax;
    }

    /// <summary>Loops started again after a fault, since start.</summary>
    public long Restarts => Interlocked.Read(ref _restarts);

    /// <summary>Runs <paramref name="loop"/> until <paramref name="stoppingToken"/> is cancelled or the loop returns by itself.</summary>
    /// <param name="name">The loop's name (log, alert detail).</param>
    /// <param name="loop">The loop.</param>
    /// <param name="stoppingToken">Stops the loop for good.</param>
    public async Task RunAsync(string name, Func<CancellationToken, Task> loop, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(loop);
        var state = new LoopState();
        ITimer? stable = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                TimeSpan delay;
                try
                {
                    await loop(stoppingToken);
                    return;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    stable?.Dispose();
                    delay = _backoff.Next(Interlocked.Increment(ref state.Attempt) - 1);
                    LogLoopFaulted(_logger, name, ex.GetType().Name, ex.Message, delay.TotalMilliseconds, ex);
                    MarkFaulted(name, $"the fleet {name} loop failed ({ex.GetType().Name}); restarted");
                }

                try
                {
                    await Task.Delay(delay, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                Interlocked.Increment(ref _restarts);
                var attempt = Volatile.Read(ref state.Attempt);
                LogLoopRestarted(_logger, name, attempt);
                stable = _time.CreateTimer(_ => OnStable(name, state, attempt), null, _stableAfter, Timeout.InfiniteTimeSpan);
            }
        }
        finally
        {
            stable?.Dispose();
        }
    }

    private void OnStable(string name, LoopState state, int attempt)
    {
        // Still the same run (no fault since the restart): forget the failures.
        if (Interlocked.CompareExchange(ref state.Attempt, 0, attempt) != attempt)
        {
            return;
        }

        bool clear;
        lock (_gate)
        {
            clear = _faulted.Remove(name) && _faulted.Count == 0;
        }

        LogLoopStable(_logger, name);
        if (clear)
        {
            _alerts.Clear(AlertKinds.FleetFault, $"the fleet {name} loop runs again");
        }
    }

    private void MarkFaulted(string name, string detail)
    {
        lock (_gate)
        {
            _faulted.Add(name);
        }

        _alerts.Raise(AlertKinds.FleetFault, detail);
    }

    private sealed class LoopState
    {
        public int Attempt;
    }

    [LoggerMessage(EventId = 784, Level = LogLevel.Error, Message = "Fleet: the {Loop} loop failed ({Error}: {Message}); restarting it in {DelayMs:F0} ms")]
    private static partial void LogLoopFaulted(ILogger logger, string loop, string error, string message, double delayMs, Exception exception);

    [LoggerMessage(EventId = 785, Level = LogLevel.Information, Message = "Fleet: the {Loop} loop restarted (attempt {Attempt})")]
    private static partial void LogLoopRestarted(ILogger logger, string loop, int attempt);

    [LoggerMessage(EventId = 786, Level = LogLevel.Information, Message = "Fleet: the {Loop} loop has run without fault since its restart")]
    private static partial void LogLoopStable(ILogger logger, string loop);
}
