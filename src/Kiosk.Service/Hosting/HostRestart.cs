using Kiosk.Fleet;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kiosk.Service.Hosting;

/// <summary>
/// The fleet <c>restart</c> command: stops the host cleanly (status <c>offline</c>, outbox kept) and makes
/// <c>kiosk run</c> exit with <see cref="ExitCode"/>, which systemd (<c>Restart=on-failure</c>) answers by starting the
/// kiosk again.
/// </summary>
internal sealed partial class HostRestart(IHostApplicationLifetime lifetime, ILogger<HostRestart> logger) : IKioskRestart
{
    /// <summary>EX_TEMPFAIL: not a success, so systemd restarts the unit.</summary>
    public const int ExitCode = 75;

    private int _requested;

    /// <summary>True once a restart was asked for.</summary>
    public bool Requested => Volatile.Read(ref _requested) == 1;

    /// <inheritdoc />
    public void RequestRestart(string reason)
    {
        if (Interlocked.Exchange(ref _requested, 1) == 0)
        {
            LogRestarting(logger, reason, ExitCode);
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Restart requested by {Reason}: stopping with exit code {ExitCode} for systemd to start the kiosk again")]
    private static partial void LogRestarting(ILogger logger, string reason, int exitCode);
}
