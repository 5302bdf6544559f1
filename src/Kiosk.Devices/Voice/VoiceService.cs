using Microsoft.Extensions.Hosting;

namespace Kiosk.Devices.Voice;

/// <summary>The voice's worker as one of the host's long-running services.</summary>
public sealed class VoiceService(VoicePrompter prompter) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => prompter.RunAsync(stoppingToken);
}
