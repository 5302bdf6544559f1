using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Kiosk.Service.Hosting;

/// <summary>
/// Sends <c>WATCHDOG=1</c> at half of <c>WATCHDOG_USEC</c> while the kiosk is healthy, and stops when the
/// checkpoint loop is stuck so systemd restarts the kiosk (<c>WatchdogSec=</c> in the unit).
/// Microsoft.Extensions.Hosting.Systemd sends READY and STOPPING only.
/// </summary>
internal sealed partial class WatchdogService : BackgroundService
{
    private readonly ISystemdNotifier _notifier;
    private readonly IKioskHealth _health;
    private readonly TimeProvider _time;
    private readonly ILogger<WatchdogService> _logger;
    private readonly TimeSpan? _interval;

    public WatchdogService(ISystemdNotifier notifier, IKioskHealth health, TimeProvider time, ILogger<WatchdogService> logger, string? watchdogUsec)
    {
        _notifier = notifier;
        _health = health;
        _time = time;
        _logger = logger;
        _interval = ParseInterval(watchdogUsec);
    }

    /// <summary>Half of <c>WATCHDOG_USEC</c>, or null when systemd asked for no watchdog.</summary>
    public TimeSpan? Interval => _interval;

    /// <summary>Pings sent so far (tests).</summary>
    public int Pings { get; private set; }

    public static TimeSpan? ParseInterval(string? watchdogUsec) =>
        long.TryParse(watchdogUsec, out var usec) && usec > 0 ? TimeSpan.FromTicks(usec * 10 / 2) : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_interval is not { } interval || !_notifier.IsEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, _time);
        string? lastProblem = null;
        try
        {
            do
            {
                var problem = _health.Problem();
                if (problem is null)
                {
                    _notifier.Notify(new ServiceState("WATCHDOG=1"));
                    Pings++;
                }
                else if (problem != lastProblem)
                {
                    LogUnhealthy(_logger, problem);
                }

                lastProblem = problem;
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "Watchdog withheld: {Problem}")]
    private static partial void LogUnhealthy(ILogger logger, string problem);
}
