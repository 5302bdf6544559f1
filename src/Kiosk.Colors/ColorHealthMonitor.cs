using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Kiosk.Colors;

/// <summary>Re-evaluates <c>clock_fault</c> and <c>color_data_stale</c> every <see cref="ColorFeedOptions.HealthCheckInterval"/>:
/// data goes stale and clocks catch up without any message arriving.</summary>
internal sealed class ColorHealthMonitor(ColorFeedProcessor processor, IOptions<ColorFeedOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.HealthCheckInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            processor.CheckHealth();
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
