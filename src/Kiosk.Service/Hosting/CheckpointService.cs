using Kiosk.Core.Checkpoint;
using Microsoft.Extensions.Hosting;

namespace Kiosk.Service.Hosting;

/// <summary>The checkpoint loop as the host's long-running service.</summary>
internal sealed class CheckpointService(CheckpointLoop loop) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => loop.RunAsync(stoppingToken);
}
