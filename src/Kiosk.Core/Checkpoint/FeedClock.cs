namespace Kiosk.Core.Checkpoint;

/// <summary>
/// Rule 3 of checkpoint-policy.md (color-feed.md rule 8): the latest signed time of the color feed is a lower bound on
/// the real time, so a kiosk clock that reads earlier than it by more than the skew is at fault. Computed here only:
/// the checkpoint's decision, the idle screen and the feed's <c>clock_fault</c> alert all ask this.
/// </summary>
public static class FeedClock
{
    /// <summary>True when <paramref name="now"/> is behind <paramref name="latestSignedAt"/> by more than <paramref name="skew"/>; false when nothing signed was seen yet.</summary>
    /// <param name="now">The kiosk's clock.</param>
    /// <param name="latestSignedAt">The latest signed <c>at</c> of any accepted feed message; null when none.</param>
    /// <param name="skew">The allowed clock difference (<c>Checkpoint:ClockSkew</c>).</param>
    public static bool IsBehind(DateTimeOffset now, DateTimeOffset? latestSignedAt, TimeSpan skew) =>
        latestSignedAt is { } latest && now < latest - skew;
}
