namespace HealthCode.Formats.Feed;

/// <summary>The wire names of the <c>t</c> key (color-feed.md, "Messages").</summary>
public static class FeedMessageType
{
    public const string Snapshot = "snapshot";
    public const string Batch = "batch";
    public const string Heartbeat = "heartbeat";
    public const string Trust = "trust";

    /// <summary>The signed manifest of a province's snapshot (color-feed.md, "A province").</summary>
    public const string Manifest = "manifest";

    /// <summary>One unsigned part of a manifest.</summary>
    public const string Part = "part";

    /// <summary>The <c>t</c> value for a message.</summary>
    public static string Of(FeedMessage message) => message switch
    {
        SnapshotMessage => Snapshot,
        BatchMessage => Batch,
        HeartbeatMessage => Heartbeat,
        TrustMessage => Trust,
        ManifestMessage => Manifest,
        _ => throw new ArgumentException("Unknown feed message type.", nameof(message)),
    };
}
