namespace HealthCode.Formats;

/// <summary>The whole state of the feed as of <paramref name="Seq"/>.</summary>
/// <param name="DocRecords">The colors of people known by ID card (<c>docRecords</c>); null when the message has none,
/// which for a snapshot means there are none (a snapshot is the whole state).</param>
public sealed record SnapshotMessage(string Feed, ulong Seq, DateTimeOffset At, IReadOnlyList<ColorRecord> Records, IReadOnlyList<DocumentRecord>? DocRecords = null) : FeedMessage(At);
