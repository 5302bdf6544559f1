namespace Kiosk.Core.Checkpoint;

/// <summary>
/// Rule 6 of checkpoint-policy.md (color-feed.md rule 5): color data never in sync, or last in sync longer ago than
/// <c>MaxColorDataAge</c>, is stale. Computed here only: the policy, the idle screen, the feed's
/// <c>color_data_stale</c> alert and <c>kiosk colors status</c> all ask this.
/// </summary>
public static class ColorDataFreshness
{
    /// <summary>True when the data was never in sync (<paramref name="freshness"/> null) or is older than <paramref name="maxAge"/>.</summary>
    /// <param name="freshness">now − in-sync-as-of (<see cref="ColorDataState.FreshnessAt"/>); null when never in sync.</param>
    /// <param name="maxAge">The limit (<c>Checkpoint:MaxColorDataAge</c>).</param>
    public static bool IsStale(TimeSpan? freshness, TimeSpan maxAge) => freshness is not { } age || age > maxAge;
}
