using HealthCode.Formats;

namespace Kiosk.Core.Checkpoint;

/// <summary>
/// The defaults of checkpoint-policy.md and health-code.md, in one place: <see cref="CheckpointOptions"/>,
/// <see cref="PolicySettings"/>, the color feed's alert thresholds and the thermometer's retest start from these.
/// </summary>
public static class PolicyDefaults
{
    /// <summary>Rule 6: color data last in sync longer ago than this is stale (24 h).</summary>
    public static readonly TimeSpan MaxColorDataAge = TimeSpan.FromHours(24);

    /// <summary>The skew of health-code.md (120 s): for code validity and for the clock check (rule 3).</summary>
    public static readonly TimeSpan ClockSkew = InspectionContext.DefaultSkew;

    /// <summary>Rule 9: fever threshold on the core-equivalent temperature, °C (37.3).</summary>
    public const double FeverThresholdC = 37.3;
}
