namespace Kiosk.Core.Checkpoint;

/// <summary>The tunables of the policy (checkpoint-policy.md defaults).</summary>
public sealed record PolicySettings
{
    public TimeSpan MaxColorDataAge { get; init; } = TimeSpan.FromHours(24);

    public double FeverThresholdC { get; init; } = 37.3;
}
