using Kiosk.Core.Checkpoint;

namespace Kiosk.Colors;

/// <summary>The thresholds of the processor's health checks.</summary>
public sealed record ColorFeedPolicy
{
    /// <summary>Freshness above this raises <c>color_data_stale</c> (checkpoint-policy.md default 24 h).</summary>
    public TimeSpan MaxColorDataAge { get; init; } = PolicyDefaults.MaxColorDataAge;

    /// <summary>Rule 8 skew (health-code.md default 120 s).</summary>
    public TimeSpan ClockSkew { get; init; } = PolicyDefaults.ClockSkew;

    /// <summary>Rule 9: out of sync this long (from the message that put the kiosk out of sync), it fetches the kept manifest's parts.</summary>
    public TimeSpan SnapshotAfter { get; init; } = ColorFeedOptions.DefaultSnapshotAfter;
}
