namespace Kiosk.Core.Checkpoint;

/// <summary>The tunables of the policy (checkpoint-policy.md defaults).</summary>
public sealed record PolicySettings
{
    public TimeSpan MaxColorDataAge { get; init; } = PolicyDefaults.MaxColorDataAge;

    public double FeverThresholdC { get; init; } = PolicyDefaults.FeverThresholdC;
}
