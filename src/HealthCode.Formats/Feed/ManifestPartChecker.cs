namespace HealthCode.Formats.Feed;

/// <summary>
/// Checks a manifest's parts as they arrive, in index order (color-feed.md, "Order"): each part's feed, seq and index,
/// the order of keys within and across parts (no repeats), records before docRecords, and the running totals; then
/// <see cref="Complete"/> checks the part count and the totals. Holds only the last key seen (bounded memory).
/// Hashes are checked on the bytes (<see cref="FeedPart.Matches"/>), before decoding. Errors never contain ids or colors.
/// </summary>
public sealed class ManifestPartChecker(ManifestMessage manifest)
{
    private readonly ManifestMessage _manifest = manifest ?? throw new ArgumentNullException(nameof(manifest));
    private ColorRecord _lastRecord;
    private bool _hasRecord;
    private DocumentRecord _lastDoc;
    private bool _docsBegan;
    private ulong _records;
    private ulong _docRecords;
    private int _next;

    /// <summary>Records accepted so far.</summary>
    public ulong RecordsSeen => _records;

    /// <summary>Document records accepted so far.</summary>
    public ulong DocRecordsSeen => _docRecords;

    /// <summary>Checks part <paramref name="index"/>; null when it continues the manifest correctly, else a one-line error.
    /// After an error the checker is not advanced: the manifest is malformed.</summary>
    public string? Check(PartMessage part, int index)
    {
        ArgumentNullException.ThrowIfNull(part);
        if (index != _next)
        {
            return $"part {index}: parts must be checked in index order (expected part {_next})";
        }

        if (index >= _manifest.PartHashes.Count)
        {
            return $"part {index}: the manifest lists {_manifest.PartHashes.Count} parts";
        }

        if (!string.Equals(part.Feed, _manifest.Feed, StringComparison.Ordinal))
        {
            return $"part {index}: feed differs from the manifest's";
        }

        if (part.Seq != _manifest.Seq)
        {
            return $"part {index}: seq {part.Seq} differs from the manifest's seq {_manifest.Seq}";
        }

        if (part.Index != (ulong)index)
        {
            return $"part {index}: i is {part.Index}";
        }

        if (part.Records.Count > 0 && _docsBegan)
        {
            return $"part {index}: records after docRecords began";
        }

        var records = _records + (ulong)part.Records.Count;
        var docRecords = _docRecords + (ulong)part.DocRecords.Count;
        if (records > _manifest.RecordCount)
        {
            return $"part {index}: more records than the manifest's {_manifest.RecordCount}";
        }

        if (docRecords > _manifest.DocRecordCount)
        {
            return $"part {index}: more docRecords than the manifest's {_manifest.DocRecordCount}";
        }

        var lastRecord = _lastRecord;
        var hasRecord = _hasRecord;
        for (var n = 0; n < part.Records.Count; n++)
        {
            var record = part.Records[n];
            if (hasRecord)
            {
                var order = FeedKeyOrder.Compare(lastRecord, record);
                if (order >= 0)
                {
                    return order == 0 ? $"part {index}: records[{n}] repeats a key" : $"part {index}: records[{n}] out of order";
                }
            }

            lastRecord = record;
            hasRecord = true;
        }

        var lastDoc = _lastDoc;
        var docsBegan = _docsBegan;
        for (var n = 0; n < part.DocRecords.Count; n++)
        {
            var doc = part.DocRecords[n];
            if (docsBegan)
            {
                var order = FeedKeyOrder.Compare(lastDoc, doc);
                if (order >= 0)
                {
                    return order == 0 ? $"part {index}: docRecords[{n}] repeats a docRef" : $"part {index}: docRecords[{n}] out of order";
                }
            }

            lastDoc = doc;
            docsBegan = true;
        }

        _lastRecord = lastRecord;
        _hasRecord = hasRecord;
        _lastDoc = lastDoc;
        _docsBegan = docsBegan;
        _records = records;
        _docRecords = docRecords;
        _next++;
        return null;
    }

    /// <summary>After the last part: null when <paramref name="partsSeen"/> and the totals equal the manifest's, else a one-line error.</summary>
    public string? Complete(int partsSeen)
    {
        if (partsSeen != _manifest.PartHashes.Count || partsSeen != _next)
        {
            return $"manifest lists {_manifest.PartHashes.Count} parts, {partsSeen} seen";
        }

        if (_records != _manifest.RecordCount)
        {
            return $"manifest counts {_manifest.RecordCount} records, the parts hold {_records}";
        }

        if (_docRecords != _manifest.DocRecordCount)
        {
            return $"manifest counts {_manifest.DocRecordCount} docRecords, the parts hold {_docRecords}";
        }

        return null;
    }
}
