using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Kiosk.Service.Hosting;

/// <summary>Logging set-ups. Under systemd, console output goes to the journal (AddSystemd picks the journald format).</summary>
internal static class KioskLogging
{
    /// <summary>One line per entry on standard error, so a command's standard output stays its result.</summary>
    public static void ToStandardError(ILoggingBuilder builder, LogLevel minimum)
    {
        builder.ClearProviders();
        builder.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = null;
        });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.SetMinimumLevel(minimum);
    }
}
