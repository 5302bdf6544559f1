namespace Kiosk.Colors;

/// <summary>The durable bookkeeping of the feed (everything but the records and the trust list itself).</summary>
/// <param name="Seq">Local seq: the seq of the state the records represent; null before the first snapshot.</param>
/// <param name="KnownSeq">The highest seq of any verified snapshot, batch or heartbeat of our feed: where the feed is known to have got to.</param>
/// <param name="InSyncAsOf">The latest <c>at</c> at which the local records were known to equal the feed (rule 5).</param>
/// <param name="LatestSignedAt">The latest <c>at</c> of any verified message (rule 8: a lower bound on the real time).</param>
/// <param name="TrustAt">The <c>at</c> of the signed trust list in force; null when none was received.</param>
/// <param name="OutOfSyncSince">The <c>at</c> of the message that put the kiosk out of sync (rule 9's <c>SnapshotAfter</c> counts
/// from it, across restarts); null while in sync. The store clears it whenever it writes a state that is in sync.</param>
public sealed record ColorFeedState(ulong? Seq, ulong? KnownSeq, DateTimeOffset? InSyncAsOf, DateTimeOffset? LatestSignedAt, DateTimeOffset? TrustAt, DateTimeOffset? OutOfSyncSince = null)
{
    public static ColorFeedState Empty { get; } = new(null, null, null, null, null);

    /// <summary>Out of sync: a verified message proves the feed has moved past the local seq (a gap, or a newer heartbeat).</summary>
    public bool OutOfSync => KnownSeq is { } known && (Seq is not { } local || known > local);

    /// <summary>Raises <see cref="LatestSignedAt"/> to <paramref name="at"/> when later.</summary>
    public ColorFeedState WithSignedAt(DateTimeOffset at) =>
        LatestSignedAt is { } latest && latest >= at ? this : this with { LatestSignedAt = at };

    /// <summary>Raises <see cref="KnownSeq"/> to <paramref name="seq"/> when higher. When that takes the kiosk from in sync
    /// to out of sync, <see cref="OutOfSyncSince"/> becomes <paramref name="at"/> (the time of the message that did it);
    /// while already out of sync it keeps the earlier time.</summary>
    public ColorFeedState WithKnownSeq(ulong seq, DateTimeOffset at)
    {
        var next = KnownSeq is { } known && known >= seq ? this : this with { KnownSeq = seq };
        return next.OutOfSync && next.OutOfSyncSince is null ? next with { OutOfSyncSince = at } : next;
    }

    /// <summary>Moves <see cref="InSyncAsOf"/> forward to <paramref name="at"/> (never backward).</summary>
    public ColorFeedState WithInSyncAsOf(DateTimeOffset at) =>
        InSyncAsOf is { } current && current >= at ? this : this with { InSyncAsOf = at };

    /// <summary>This state with <see cref="OutOfSyncSince"/> cleared when it is in sync (what the store writes).</summary>
    public ColorFeedState Settled() => OutOfSync || OutOfSyncSince is null ? this : this with { OutOfSyncSince = null };
}
