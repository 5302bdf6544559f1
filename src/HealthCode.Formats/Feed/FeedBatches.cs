namespace HealthCode.Formats.Feed;

/// <summary>
/// Splits a change too big for one batch into consecutive batches (color-feed.md: the authority sends no message larger
/// than <see cref="FeedPart.MaxBytes"/>): <c>seq, seq+1, ...</c>, each signed one within the limit.
/// </summary>
public static class FeedBatches
{
    /// <summary>Room left for the COSE_Sign1 around a payload: tag, array, protected header (alg, kid up to 32 bytes),
    /// empty unprotected map, payload head and the 64-byte ES256 signature (about 120 bytes; 256 to spare).</summary>
    public const int SignatureOverheadBytes = 256;

    /// <summary>Largest payload that signs into at most <see cref="FeedPart.MaxBytes"/>.</summary>
    public const int MaxPayloadBytes = FeedPart.MaxBytes - SignatureOverheadBytes;

    /// <summary>
    /// The change as batches whose payloads are each at most <paramref name="maxPayloadBytes"/>: records first, then
    /// document records, in the order given; the first keeps <paramref name="change"/>'s seq, the next ones count up.
    /// A change that fits is returned as is. Every batch carries <c>docRecords</c> when the change does.
    /// </summary>
    /// <exception cref="ArgumentException">One record alone does not fit, or the last seq would pass 2^63-1.</exception>
    public static IReadOnlyList<BatchMessage> Split(BatchMessage change, int maxPayloadBytes = MaxPayloadBytes)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentException.ThrowIfNullOrEmpty(change.Feed);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadBytes, 128);
        var docs = change.DocRecords;
        var batches = new List<BatchMessage>();
        var records = new List<ColorRecord>();
        var docRecords = new List<DocumentRecord>();
        long body = 0;

        long Size(int recordCount, int docCount) =>
            1 + 2 + FeedEncoder.TextBytes(FeedMessageType.Batch) + 5 + FeedEncoder.TextBytes(change.Feed) + 4 + 9 + 3 + 9
            + 8 + FeedEncoder.HeadBytes((ulong)recordCount) + (docs is null ? 0 : 11 + FeedEncoder.HeadBytes((ulong)docCount)) + body;

        void Close()
        {
            var seq = change.Seq + (ulong)batches.Count;
            if (seq > long.MaxValue)
            {
                throw new ArgumentException("The split batches would pass seq 2^63-1.", nameof(change));
            }

            batches.Add(new BatchMessage(change.Feed, seq, change.At, [.. records], docs is null ? null : [.. docRecords]));
            records.Clear();
            docRecords.Clear();
            body = 0;
        }

        void Room(int size, int addRecords, int addDocs)
        {
            if (Size(records.Count + addRecords, docRecords.Count + addDocs) + size <= maxPayloadBytes)
            {
                return;
            }

            if (records.Count + docRecords.Count == 0)
            {
                throw new ArgumentException($"One record does not fit in a batch of {maxPayloadBytes} bytes.", nameof(change));
            }

            Close();
        }

        foreach (var record in change.Records)
        {
            var size = FeedEncoder.RecordBytes(record);
            Room(size, 1, 0);
            records.Add(record);
            body += size;
        }

        foreach (var record in docs ?? [])
        {
            var size = FeedEncoder.DocRecordBytes(record);
            Room(size, 0, 1);
            docRecords.Add(record);
            body += size;
        }

        if (batches.Count == 0)
        {
            return [change];
        }

        if (records.Count + docRecords.Count > 0)
        {
            Close();
        }

        return batches;
    }
}
