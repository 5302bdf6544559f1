namespace HealthCode.Formats;

/// <summary>
/// A province's whole state as of <paramref name="Seq"/>, sent as a signed manifest and many unsigned parts
/// (color-feed.md, "A province"): a snapshot in parts.
/// </summary>
/// <param name="RecordCount">Total <c>records</c> across all parts.</param>
/// <param name="DocRecordCount">Total <c>docRecords</c> across all parts.</param>
/// <param name="PartHashes">The SHA-256 (32 bytes) of each part's exact bytes, in index order; empty for the empty state.</param>
public sealed record ManifestMessage(string Feed, ulong Seq, DateTimeOffset At, ulong RecordCount, ulong DocRecordCount, IReadOnlyList<byte[]> PartHashes) : FeedMessage(At);
