namespace Kiosk.Colors;

/// <summary>The durable bookkeeping of the feed (everything but the records and the trust list itself).</summary>
/// <param name="Seq">Local seq: the seq of the state the records represent; null before the first snapshot.</param>
/// <param name="KnownSeq">The highest seq of any verified snapshot, batch or heartbeat of our feed: where the feed is known to have got to.</param>
/// <param name="InSyncAsOf">The latest <c>at</c> at which the local records were known to equal the feed (rule 5).</param>
/// <param name="LatestSignedAt">The latest <c>at</c> of any verified message (rule 8: a lower bound on the real time).</param>
/// <param name="TrustAt">The <c>at</c> of the signed trust list in force; null when none was received.</param>
public sealed record ColorFeedState(ulong? Seq, ulong? KnownSeq, DateTimeOffset? InSyncAsOf, DateTimeOffset? LatestSignedAt, DateTimeOffset? TrustAt)
{
    public static ColorFeedState Empty { get; } = new(null, null, null, null, null);

    /// <summary>Out of sync: a verified message proves the feed has moved past the local seq (a gap, or a newer heartbeat).</summary>
    public bool OutOfSync => KnownSeq is { } known && (Seq is not { } local || known > local);

    /// <summary>Raises <see cref="LatestSignedAt"/> to <paramref name="at"/> when later.</summary>
    public ColorFeedState WithSignedAt(DateTimeOffset at) =>
        LatestSignedAt is { } latest && latest >= at ? this : this with { LatestSignedAt = at };

    /// <summary>Raises <see cref="KnownSeq"/> to <paramref name="seq"/> when higher.</summary>
    public ColorFeedState WithKnownSeq(ulong seq) =>
        KnownSeq is { } known && known >= seq ? this : this with { KnownSeq = seq };

    /// <summary>Moves <see cref="InSyncAsOf"/> forward to <paramref name="at"/> (never backward).</summary>
    public ColorFeedState WithInSyncAsOf(DateTimeOffset at) =>
        InSyncAsOf is { } current && current >= at ? this : this with { InSyncAsOf = at };
}
