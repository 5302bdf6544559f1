namespace Kiosk.Colors;

/// <summary>The outcome of one message, with a one-line technical detail (never ids or colors).</summary>
public sealed record FeedOutcome(FeedOutcomeKind Kind, string Detail)
{
    /// <summary>True when the state changed (records, seq, freshness or trust list).</summary>
    public bool Changed => Kind is FeedOutcomeKind.SnapshotApplied or FeedOutcomeKind.ManifestApplied or FeedOutcomeKind.ManifestInSync or FeedOutcomeKind.BatchApplied or FeedOutcomeKind.HeartbeatInSync or FeedOutcomeKind.TrustReplaced;

    public override string ToString() => $"{Kind}: {Detail}";
}
