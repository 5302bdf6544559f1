namespace Kiosk.Colors;

/// <summary>What the processor did with one message.</summary>
public enum FeedOutcomeKind
{
    /// <summary>Rule 2: the snapshot replaced the whole state.</summary>
    SnapshotApplied,

    /// <summary>Rule 2: a snapshot older than the local seq.</summary>
    SnapshotIgnored,

    /// <summary>Rule 3: the next batch, applied.</summary>
    BatchApplied,

    /// <summary>Rule 3: a batch at or below the local seq.</summary>
    BatchDuplicate,

    /// <summary>Rule 3: a batch beyond the next seq, kept aside until the gap closes.</summary>
    BatchKeptAside,

    /// <summary>Rule 4: heartbeat at the local seq: in sync as of its <c>at</c>.</summary>
    HeartbeatInSync,

    /// <summary>Rule 4: heartbeat beyond the local seq: out of sync.</summary>
    HeartbeatOutOfSync,

    /// <summary>A heartbeat below the local seq (an old retained one): only its signed time counts.</summary>
    HeartbeatStale,

    /// <summary>Rule 6: the trust list was replaced.</summary>
    TrustReplaced,

    /// <summary>Rule 6: a trust list not newer than the current one.</summary>
    TrustIgnored,

    /// <summary>Rule 1: signature, feed, structure or types failed; nothing changed.</summary>
    Rejected,

    /// <summary>The message was valid but the store could not write it (disk full, I/O error); nothing changed.</summary>
    StoreFailed,
}
