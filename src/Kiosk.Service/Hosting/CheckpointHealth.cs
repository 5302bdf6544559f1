using Kiosk.Core.Checkpoint;
using Microsoft.Extensions.Hosting.Systemd;

namespace Kiosk.Service.Hosting;

/// <summary>Healthy while the checkpoint loop is idle or in a stage that has not lasted too long.</summary>
internal sealed class CheckpointHealth(CheckpointLoop loop, TimeSpan maxStage) : IKioskHealth
{
    public string? Problem() =>
        loop.Phase is not (CheckpointPhase.Idle or CheckpointPhase.Showing) && loop.StageAge > maxStage + loop.StageAllowance
            ? $"checkpoint stuck in {loop.Phase} for {loop.StageAge.TotalSeconds:0} s"
            : null;
}
