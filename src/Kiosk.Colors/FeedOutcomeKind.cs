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

    /// <summary>Rule 9: a manifest older than the local seq (or than the kept one, or refused before): ignored.</summary>
    ManifestIgnored,

    /// <summary>Rule 9: a manifest at the local seq counts as a heartbeat: in sync as of its <c>at</c>, parts not fetched.</summary>
    ManifestInSync,

    /// <summary>Rule 9: a manifest ahead of the local seq: out of sync, the manifest kept; its parts fetched when needed.</summary>
    ManifestKept,

    /// <summary>Rule 10: a part of the kept manifest verified and kept on disk.</summary>
    PartVerified,

    /// <summary>A part nobody needs (no fetch of its manifest, verified already, index beyond the manifest's): dropped unread.</summary>
    PartIgnored,

    /// <summary>Rule 10: a part was cleared by the authority (empty or absent): the manifest is given up, no alert.</summary>
    ManifestAbandoned,

    /// <summary>Rule 10: the last part verified and the manifest's state replaced the old one atomically.</summary>
    ManifestApplied,

    /// <summary>Rule 1: signature, feed, structure or types failed; nothing changed.</summary>
    Rejected,

    /// <summary>The message was valid but the store could not write it (disk full, I/O error); nothing changed.</summary>
    StoreFailed,
}
