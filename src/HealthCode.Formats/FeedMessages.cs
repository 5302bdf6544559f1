namespace HealthCode.Formats;

/// <summary>A verified message of the color feed (<c>color-feed.md</c>).</summary>
/// <param name="At">When the authority produced it (epoch seconds on the wire).</param>
public abstract record FeedMessage(DateTimeOffset At);

/// <summary>The whole state of the feed as of <paramref name="Seq"/>.</summary>
/// <param name="DocRecords">The colors of people known by ID card (<c>docRecords</c>); null when the message has none,
/// which for a snapshot means there are none (a snapshot is the whole state).</param>
public sealed record SnapshotMessage(string Feed, ulong Seq, DateTimeOffset At, IReadOnlyList<ColorRecord> Records, IReadOnlyList<DocumentRecord>? DocRecords = null) : FeedMessage(At);

/// <summary>The changes from <c>Seq - 1</c> to <paramref name="Seq"/>.</summary>
/// <param name="DocRecords">Changed colors of people known by ID card (<c>docRecords</c>); null when the message has none.</param>
public sealed record BatchMessage(string Feed, ulong Seq, DateTimeOffset At, IReadOnlyList<ColorRecord> Records, IReadOnlyList<DocumentRecord>? DocRecords = null) : FeedMessage(At);

/// <summary>"Nothing changed up to <paramref name="Seq"/> as of <see cref="FeedMessage.At"/>."</summary>
public sealed record HeartbeatMessage(string Feed, ulong Seq, DateTimeOffset At) : FeedMessage(At);

/// <summary>A signed trust list of issuer keys, with the docKey of ID cards when the message carries one (<see cref="TrustList.DocKey"/>).</summary>
public sealed record TrustMessage(DateTimeOffset At, TrustList Trust) : FeedMessage(At);
