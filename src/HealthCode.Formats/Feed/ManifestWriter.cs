namespace HealthCode.Formats.Feed;

/// <summary>
/// Streams a province's state into the parts of a manifest (color-feed.md, "A province"): the caller adds all records in
/// ascending key order, then all document records in ascending docRef order; each part is closed, encoded and handed to
/// <see cref="PartWritten"/> as soon as the next record would take it over the part limit, so only one part is ever held.
/// <see cref="Finish"/> closes the last part and returns the manifest to sign (<see cref="FeedEncoder.Sign"/>).
/// </summary>
public sealed class ManifestWriter
{
    private readonly string _feed;
    private readonly ulong _seq;
    private readonly int _maxPartBytes;
    private readonly int _maxIssuerChars = FeedLimits.Default.MaxIssuerChars;
    private readonly List<ColorRecord> _records = [];
    private readonly List<DocumentRecord> _docRecords = [];
    private readonly List<byte[]> _hashes = [];
    private long _bodyBytes;
    private ulong _recordCount;
    private ulong _docRecordCount;
    private ColorRecord _lastRecord;
    private DocumentRecord _lastDoc;
    private string? _lastIssuer;
    private int _lastIssuerBytes;
    private bool _finished;

    /// <param name="feed">The feed's name.</param>
    /// <param name="seq">The manifest's seq (at most 2^63-1, as every seq).</param>
    /// <param name="maxPartBytes">Largest part in bytes; at most <see cref="FeedPart.MaxBytes"/> (smaller values are for tests).</param>
    public ManifestWriter(string feed, ulong seq, int maxPartBytes = FeedPart.MaxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(feed);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seq, (ulong)long.MaxValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPartBytes, FeedPart.MaxBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPartBytes, 256);
        _feed = feed;
        _seq = seq;
        _maxPartBytes = maxPartBytes;
    }

    /// <summary>Called with (index, exact bytes) as each part closes, in index order. The bytes are the caller's to keep.</summary>
    public Action<int, byte[]>? PartWritten { get; set; }

    /// <summary>Parts closed so far.</summary>
    public int PartCount => _hashes.Count;

    /// <summary>Records added so far.</summary>
    public ulong RecordCount => _recordCount;

    /// <summary>Document records added so far.</summary>
    public ulong DocRecordCount => _docRecordCount;

    /// <summary>Adds a record; it must come after the previous record in <see cref="FeedKeyOrder"/> and before any document record.</summary>
    /// <exception cref="ArgumentException">Out of order, repeated, after a document record, or not a valid record.</exception>
    public void AddRecord(ColorRecord r)
    {
        EnsureOpen();
        if (string.IsNullOrEmpty(r.Issuer) || r.Issuer.Length > _maxIssuerChars)
        {
            throw new ArgumentException($"A record's issuer is 1 to {_maxIssuerChars} chars.", nameof(r));
        }

        CheckColor(r.Color, nameof(r));
        if (_docRecordCount > 0)
        {
            throw new ArgumentException("Records come before all document records.", nameof(r));
        }

        if (_recordCount > 0 && FeedKeyOrder.Compare(_lastRecord, r) >= 0)
        {
            throw new ArgumentException("Records must be added in strictly ascending key order (id, then issuer).", nameof(r));
        }

        if (!ReferenceEquals(r.Issuer, _lastIssuer))
        {
            _lastIssuer = r.Issuer;
            _lastIssuerBytes = FeedEncoder.TextBytes(r.Issuer);
        }

        var size = 1 + _lastIssuerBytes + 17 + FeedEncoder.HeadBytes((ulong)r.Color) + FeedEncoder.IntBytes(r.ColorTime);
        MakeRoom(size, 1, 0);
        _records.Add(r);
        _bodyBytes += size;
        _lastRecord = r;
        _recordCount++;
    }

    /// <summary>Adds a document record; it must come after the previous one in docRef order.</summary>
    /// <exception cref="ArgumentException">Out of order, repeated, or not a valid record.</exception>
    public void AddDocRecord(DocumentRecord r)
    {
        EnsureOpen();
        CheckColor(r.Color, nameof(r));
        if (_docRecordCount > 0 && FeedKeyOrder.Compare(_lastDoc, r) >= 0)
        {
            throw new ArgumentException("Document records must be added in strictly ascending docRef order.", nameof(r));
        }

        var size = FeedEncoder.DocRecordBytes(r);
        MakeRoom(size, 0, 1);
        _docRecords.Add(r);
        _bodyBytes += size;
        _lastDoc = r;
        _docRecordCount++;
    }

    /// <summary>Closes the last part and returns the manifest (unsigned); an empty province has no parts.</summary>
    public ManifestMessage Finish(DateTimeOffset at)
    {
        EnsureOpen();
        if (_records.Count + _docRecords.Count > 0)
        {
            ClosePart();
        }

        _finished = true;
        return new ManifestMessage(_feed, _seq, at, _recordCount, _docRecordCount, [.. _hashes]);
    }

    private void MakeRoom(int size, int records, int docRecords)
    {
        if (PartBytes(_records.Count + records, _docRecords.Count + docRecords) + size <= _maxPartBytes)
        {
            return;
        }

        if (_records.Count + _docRecords.Count == 0)
        {
            throw new ArgumentException($"One record does not fit in a part of {_maxPartBytes} bytes.");
        }

        ClosePart();
        if (PartBytes(records, docRecords) + size > _maxPartBytes)
        {
            throw new ArgumentException($"One record does not fit in a part of {_maxPartBytes} bytes.");
        }
    }

    private long PartBytes(int records, int docRecords) =>
        FeedEncoder.PartOverheadBytes(_feed, _seq, (ulong)_hashes.Count, records, docRecords) + _bodyBytes;

    private void ClosePart()
    {
        var index = _hashes.Count;
        var bytes = FeedEncoder.EncodePart(new PartMessage(_feed, _seq, (ulong)index, _records, _docRecords));
        if (bytes.Length > _maxPartBytes)
        {
            throw new InvalidOperationException($"Part {index} encoded to {bytes.Length} bytes, over {_maxPartBytes}.");
        }

        _hashes.Add(FeedPart.Hash(bytes));
        _records.Clear();
        _docRecords.Clear();
        _bodyBytes = 0;
        PartWritten?.Invoke(index, bytes);
    }

    private void EnsureOpen()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The manifest is finished.");
        }
    }

    private static void CheckColor(HealthColor color, string name)
    {
        if (color > HealthColor.Red)
        {
            throw new ArgumentException("A color is 0, 1 or 2.", name);
        }
    }
}
