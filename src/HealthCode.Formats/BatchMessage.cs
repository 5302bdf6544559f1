namespace HealthCode.Formats;

/// <summary>The changes from <c>Seq - 1</c> to <paramref name="Seq"/>.</summary>
/// <param name="DocRecords">Changed colors of people known by ID card (<c>docRecords</c>); null when the message has none.</param>
public sealed record BatchMessage(string Feed, ulong Seq, DateTimeOffset At, IReadOnlyList<ColorRecord> Records, IReadOnlyList<DocumentRecord>? DocRecords = null) : FeedMessage(At);
