namespace Kiosk.Core.Checkpoint;

/// <summary>The state of the locally cached color data (color-feed.md).</summary>
/// <param name="Feed">Configured feed name.</param>
/// <param name="Seq">Local seq; null before the first snapshot.</param>
/// <param name="InSyncAsOf">The latest <c>at</c> after which the kiosk was in sync; null = never synced.</param>
/// <param name="LatestSignedAt">The latest signed <c>at</c> of any accepted message (a lower bound on now).</param>
/// <param name="RecordCount">Records held.</param>
/// <param name="OutOfSync">A gap or a newer heartbeat was seen and not yet closed.</param>
public sealed record ColorDataState(string Feed, ulong? Seq, DateTimeOffset? InSyncAsOf, DateTimeOffset? LatestSignedAt, long RecordCount, bool OutOfSync)
{
    /// <summary>Document records held (people known by ID card, identity.md).</summary>
    public long DocumentRecordCount { get; init; }

    /// <summary>Freshness = now − InSyncAsOf (rule 5); null when never synced.</summary>
    public TimeSpan? FreshnessAt(DateTimeOffset now) => InSyncAsOf is { } t ? now - t : null;
}
