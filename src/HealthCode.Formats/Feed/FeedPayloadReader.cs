using System.Formats.Cbor;
using System.Runtime.CompilerServices;

namespace HealthCode.Formats.Feed;

/// <summary>Strict reader of the feed payload map. Fills records and document records straight into preallocated arrays.</summary>
internal static class FeedPayloadReader
{
    public static FeedDecodeResult Read(ReadOnlyMemory<byte> payload, FeedLimits limits)
    {
        try
        {
            return FeedDecodeResult.Success(ToMessage(ReadFields(payload, limits)));
        }
        catch (FeedFormatException ex)
        {
            return FeedDecodeResult.Failure(ex.Message);
        }
        catch (Exception ex) when (ex is CborContentException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            return FeedDecodeResult.Failure($"payload: malformed CBOR ({FeedCodec.OneLine(ex.Message)})");
        }
    }

    /// <summary>Reads an unsigned part (<c>t: "part"</c>); the error names the part, never a record's content.</summary>
    public static FeedPartDecodeResult ReadPart(ReadOnlyMemory<byte> bytes, FeedLimits limits)
    {
        try
        {
            return FeedPartDecodeResult.Success(ToPart(ReadFields(bytes, limits)));
        }
        catch (FeedFormatException ex)
        {
            return FeedPartDecodeResult.Failure(AsPartError(ex.Message));
        }
        catch (Exception ex) when (ex is CborContentException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            return FeedPartDecodeResult.Failure($"part: malformed CBOR ({FeedCodec.OneLine(ex.Message)})");
        }
    }

    private static string AsPartError(string error) =>
        error.StartsWith("payload: ", StringComparison.Ordinal) ? "part: " + error["payload: ".Length..] : "part: " + error;

    /// <summary>The keys of one payload map, each checked for its type; which keys a message needs is checked after.</summary>
    private sealed class Fields
    {
        public string? Type;
        public string? Feed;
        public ulong? Seq;
        public long? At;
        public ulong? Index;
        public ColorRecord[]? Records;
        public DocumentRecord[]? DocRecords;
        public ulong? RecordCount;
        public ulong? DocRecordCount;
        public byte[][]? Parts;
        public TrustList? Trust;
        public byte[]? DocKey;
    }

    private static Fields ReadFields(ReadOnlyMemory<byte> payload, FeedLimits limits)
    {
        var reader = new CborReader(payload, CborConformanceMode.Strict);
        Expect(reader, CborReaderState.StartMap, "payload is not a map");
        var count = reader.ReadStartMap();
        var f = new Fields();

        var seen = 0;
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            if (count is { } c && seen >= c)
            {
                throw new FeedFormatException("payload: map longer than declared");
            }

            seen++;
            if (reader.PeekState() != CborReaderState.TextString)
            {
                throw new FeedFormatException("payload: map keys must be text");
            }

            var key = reader.ReadTextString();
            switch (key)
            {
                case "t":
                    f.Type = ReadText(reader, "t", 16);
                    break;
                case "feed":
                    f.Feed = ReadText(reader, "feed", limits.MaxFeedChars);
                    if (f.Feed.Length == 0)
                    {
                        throw new FeedFormatException("payload: feed is empty");
                    }

                    break;
                case "seq":
                    Expect(reader, CborReaderState.UnsignedInteger, "seq must be an unsigned integer");
                    f.Seq = reader.ReadUInt64();
                    if (f.Seq > long.MaxValue)
                    {
                        // The store keeps seqs as SQLite's signed 64-bit integers; a larger one could only be stored wrapped.
                        throw new FeedFormatException($"payload: seq {f.Seq} is above 2^63-1");
                    }

                    break;
                case "at":
                    f.At = ReadEpochSeconds(reader, "at");
                    break;
                case "i":
                    Expect(reader, CborReaderState.UnsignedInteger, "i must be an unsigned integer");
                    f.Index = reader.ReadUInt64();
                    break;
                case "records":
                    // An array in a snapshot, a batch or a part; the total count (uint) in a manifest.
                    if (reader.PeekState() == CborReaderState.UnsignedInteger)
                    {
                        f.RecordCount = reader.ReadUInt64();
                    }
                    else
                    {
                        f.Records = ReadRecords(reader, limits);
                    }

                    break;
                case "docRecords":
                    if (reader.PeekState() == CborReaderState.UnsignedInteger)
                    {
                        f.DocRecordCount = reader.ReadUInt64();
                    }
                    else
                    {
                        f.DocRecords = ReadDocRecords(reader);
                    }

                    break;
                case "parts":
                    f.Parts = ReadPartHashes(reader);
                    break;
                case "issuers":
                    try
                    {
                        f.Trust = TrustListFormat.ReadCbor(reader);
                    }
                    catch (FormatException ex)
                    {
                        throw new FeedFormatException($"payload: issuers: {FeedCodec.OneLine(ex.Message)}");
                    }

                    break;
                case "docKey":
                    Expect(reader, CborReaderState.ByteString, "docKey must be a byte string");
                    f.DocKey = reader.ReadByteString();
                    if (f.DocKey.Length != Identity.DocRef.KeyLength)
                    {
                        throw new FeedFormatException($"payload: docKey is {f.DocKey.Length} bytes, not {Identity.DocRef.KeyLength}");
                    }

                    break;
                default:
                    // Unknown keys are ignored (forward compatibility, as health-code.md does for claims).
                    reader.SkipValue();
                    break;
            }
        }

        if (!CborMap.EndsPayload(reader))
        {
            throw new FeedFormatException("payload: trailing bytes after the map");
        }

        if (f.Type is null)
        {
            throw new FeedFormatException("payload: missing t");
        }

        return f;
    }

    private static FeedMessage ToMessage(Fields f)
    {
        var type = f.Type!;
        if (type == FeedMessageType.Part)
        {
            throw new FeedFormatException("payload: a part is never signed (it is bound to its manifest by its hash)");
        }

        if (f.At is not { } atSeconds)
        {
            throw new FeedFormatException("payload: missing at");
        }

        var atTime = DateTimeOffset.FromUnixTimeSeconds(atSeconds);
        switch (type)
        {
            case FeedMessageType.Snapshot:
            case FeedMessageType.Batch:
            {
                var feed = f.Feed ?? throw new FeedFormatException($"payload: {type} without feed");
                var seq = f.Seq ?? throw new FeedFormatException($"payload: {type} without seq");
                if (f.RecordCount is not null)
                {
                    throw new FeedFormatException($"payload: {type} records must be an array");
                }

                if (f.DocRecordCount is not null)
                {
                    throw new FeedFormatException($"payload: {type} docRecords must be an array");
                }

                var records = f.Records ?? throw new FeedFormatException($"payload: {type} without records");
                return type == FeedMessageType.Snapshot
                    ? new SnapshotMessage(feed, seq, atTime, records, f.DocRecords)
                    : new BatchMessage(feed, seq, atTime, records, f.DocRecords);
            }

            case FeedMessageType.Manifest:
                return ToManifest(f, atTime);

            case FeedMessageType.Heartbeat:
            {
                var feed = f.Feed ?? throw new FeedFormatException("payload: heartbeat without feed");
                var seq = f.Seq ?? throw new FeedFormatException("payload: heartbeat without seq");
                return new HeartbeatMessage(feed, seq, atTime);
            }

            case FeedMessageType.Trust:
            {
                var list = f.Trust ?? throw new FeedFormatException("payload: trust without issuers");
                return new TrustMessage(atTime, new TrustList(list.Issuers, atTime, f.DocKey));
            }

            default:
                throw new FeedFormatException("payload: unknown message type t");
        }
    }

    private static ManifestMessage ToManifest(Fields f, DateTimeOffset at)
    {
        var feed = f.Feed ?? throw new FeedFormatException("payload: manifest without feed");
        var seq = f.Seq ?? throw new FeedFormatException("payload: manifest without seq");
        if (f.Records is not null)
        {
            throw new FeedFormatException("payload: manifest records must be an unsigned integer (the total count)");
        }

        if (f.DocRecords is not null)
        {
            throw new FeedFormatException("payload: manifest docRecords must be an unsigned integer (the total count)");
        }

        var records = f.RecordCount ?? throw new FeedFormatException("payload: manifest without records (the total count)");
        var docRecords = f.DocRecordCount ?? throw new FeedFormatException("payload: manifest without docRecords (the total count)");
        var parts = f.Parts ?? throw new FeedFormatException("payload: manifest without parts");

        // Each part holds at most what FeedPart.MaxBytes can: counts no set of parts could carry are refused here, so a
        // consumer may size things by them.
        var capacity = (ulong)parts.Length * (ulong)(FeedPart.MaxBytes / DocRecordEntry.MinBytes);
        if (records > capacity || docRecords > capacity - records)
        {
            throw new FeedFormatException($"payload: manifest counts exceed what {parts.Length} parts can hold");
        }

        return new ManifestMessage(feed, seq, at, records, docRecords, parts);
    }

    private static PartMessage ToPart(Fields f)
    {
        if (f.Type != FeedMessageType.Part)
        {
            throw new FeedFormatException("payload: t is not part");
        }

        var feed = f.Feed ?? throw new FeedFormatException("payload: part without feed");
        var seq = f.Seq ?? throw new FeedFormatException("payload: part without seq");
        var index = f.Index ?? throw new FeedFormatException("payload: part without i");
        if (f.RecordCount is not null)
        {
            throw new FeedFormatException("payload: part records must be an array");
        }

        if (f.DocRecordCount is not null)
        {
            throw new FeedFormatException("payload: part docRecords must be an array");
        }

        var records = f.Records ?? throw new FeedFormatException("payload: part without records");
        var docRecords = f.DocRecords ?? throw new FeedFormatException("payload: part without docRecords");
        return new PartMessage(feed, seq, index, records, docRecords);
    }

    /// <summary><c>parts</c>: an array of 32-byte SHA-256 hashes, its declared count bounded by the bytes that follow.</summary>
    private static byte[][] ReadPartHashes(CborReader reader)
    {
        const int HashBytes = FeedPart.HashBytes;
        Expect(reader, CborReaderState.StartArray, "parts must be an array");
        var declared = reader.ReadStartArray();

        // Every entry takes at least one byte (a wrong-sized one is refused when it is read).
        if (declared is { } d && d > reader.BytesRemaining)
        {
            throw new FeedFormatException($"payload: parts: declared count {d} exceeds what the message can hold");
        }

        var hashes = new List<byte[]>(Math.Min(declared ?? 16, 1024));
        while (reader.PeekState() != CborReaderState.EndArray)
        {
            var n = hashes.Count;
            if (declared is { } dd && n >= dd)
            {
                throw new FeedFormatException("payload: parts: array longer than declared");
            }

            if (reader.PeekState() != CborReaderState.ByteString)
            {
                throw new FeedFormatException($"payload: parts[{n}] must be a byte string");
            }

            var hash = reader.ReadByteString();
            if (hash.Length != HashBytes)
            {
                throw new FeedFormatException($"payload: parts[{n}] is {hash.Length} bytes, not {HashBytes}");
            }

            hashes.Add(hash);
        }

        reader.ReadEndArray();
        return [.. hashes];
    }

    private static ColorRecord[] ReadRecords(CborReader reader, FeedLimits limits)
    {
        var entry = new RecordEntry(limits);
        return ReadEntries<ColorRecord, RecordEntry>(reader, "records", ref entry);
    }

    private static DocumentRecord[] ReadDocRecords(CborReader reader)
    {
        var entry = new DocRecordEntry();
        return ReadEntries<DocumentRecord, DocRecordEntry>(reader, "docRecords", ref entry);
    }

    /// <summary>Reads an array of fixed-size entry arrays straight into a preallocated array: <c>records</c> or <c>docRecords</c>.
    /// One bad entry fails the whole message.</summary>
    // Runs once per message over millions of records: compile it fully optimised at once (no tier-0 pass).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T[] ReadEntries<T, TEntry>(CborReader reader, string name, ref TEntry entry)
        where TEntry : struct, IEntryReader<T>
    {
        Expect(reader, CborReaderState.StartArray, $"{name} must be an array");
        var declared = reader.ReadStartArray();
        T[] items;
        var n = 0;
        if (declared is { } d)
        {
            // A hostile count cannot make us allocate more than the bytes that follow could hold.
            if (d > reader.BytesRemaining / TEntry.MinBytes)
            {
                throw new FeedFormatException($"{name}: declared count {d} exceeds what the message can hold");
            }

            items = new T[d];
        }
        else
        {
            items = new T[Math.Min(1024, reader.BytesRemaining / TEntry.MinBytes + 1)];
        }

        while (reader.PeekState() != CborReaderState.EndArray)
        {
            if (declared is { } dd && n >= dd)
            {
                throw new FeedFormatException($"{name}: array longer than declared");
            }

            if (n == items.Length)
            {
                Array.Resize(ref items, checked(items.Length * 2));
            }

            if (reader.PeekState() != CborReaderState.StartArray || reader.ReadStartArray() != TEntry.Arity)
            {
                throw new FeedFormatException($"{name}[{n}]: not a definite array of {TEntry.Arity}");
            }

            items[n] = entry.Read(reader, n);
            reader.ReadEndArray();
            n++;
        }

        reader.ReadEndArray();
        if (n != items.Length)
        {
            Array.Resize(ref items, n);
        }

        return items;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReadKey(CborReader reader, Span<byte> buffer, string name, int n, string what)
    {
        if (reader.PeekState() != CborReaderState.ByteString)
        {
            throw new FeedFormatException($"{name}[{n}]: {what} must be a byte string");
        }

        if (!reader.TryReadByteString(buffer, out var length) || length != buffer.Length)
        {
            throw new FeedFormatException($"{name}[{n}]: {what} must be exactly {buffer.Length} bytes");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static HealthColor ReadColor(CborReader reader, string name, int n)
    {
        if (reader.PeekState() != CborReaderState.UnsignedInteger)
        {
            throw new FeedFormatException($"{name}[{n}]: color must be an unsigned integer");
        }

        var color = reader.ReadUInt64();
        if (color > (ulong)HealthColor.Red)
        {
            throw new FeedFormatException($"{name}[{n}]: color outside 0..2");
        }

        return (HealthColor)color;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long ReadColorTime(CborReader reader, string name, int n)
    {
        if (reader.PeekState() is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
        {
            throw new FeedFormatException($"{name}[{n}]: ct must be an integer");
        }

        return reader.ReadInt64();
    }

    /// <summary>How one entry of an array of records is read.</summary>
    private interface IEntryReader<out T>
    {
        /// <summary>Elements of the entry's array.</summary>
        static abstract int Arity { get; }

        /// <summary>Smallest encoding of one entry, which bounds a declared count by the bytes left.</summary>
        static abstract int MinBytes { get; }

        /// <summary>Reads the elements (the reader is inside the entry's array).</summary>
        T Read(CborReader reader, int n);
    }

    /// <summary><c>[issuer tstr, id bstr(16), color uint, ct int]</c>.</summary>
    private readonly struct RecordEntry(FeedLimits limits) : IEntryReader<ColorRecord>
    {
        private readonly IssuerInterner _interner = new(limits.MaxDistinctIssuers);
        private readonly char[] _issuer = new char[limits.MaxIssuerChars];
        private readonly byte[] _id = new byte[CodeId.Length];

        public static int Arity => 4;

        // array(4) + tstr(empty) + bstr(16) + uint + int
        public static int MinBytes => 1 + 1 + 17 + 1 + 1;

        public ColorRecord Read(CborReader reader, int n)
        {
            if (reader.PeekState() != CborReaderState.TextString)
            {
                throw new FeedFormatException($"records[{n}]: issuer must be text");
            }

            if (!reader.TryReadTextString(_issuer, out var issuerChars))
            {
                throw new FeedFormatException($"records[{n}]: issuer longer than {limits.MaxIssuerChars} chars");
            }

            if (issuerChars == 0)
            {
                throw new FeedFormatException($"records[{n}]: issuer is empty");
            }

            var issuer = _interner.Intern(_issuer.AsSpan(0, issuerChars))
                ?? throw new FeedFormatException($"records: more than {limits.MaxDistinctIssuers} distinct issuers");
            ReadKey(reader, _id, "records", n, "id");
            var color = ReadColor(reader, "records", n);
            var ct = ReadColorTime(reader, "records", n);
            return new ColorRecord(issuer, CodeId.FromBytes(_id), color, ct);
        }
    }

    /// <summary><c>[docRef bstr(16), color uint, ct int]</c>.</summary>
    private readonly struct DocRecordEntry() : IEntryReader<DocumentRecord>
    {
        private readonly byte[] _docRef = new byte[Identity.DocRef.Length];

        public static int Arity => 3;

        // array(3) + bstr(16) + uint + int
        public static int MinBytes => 1 + 17 + 1 + 1;

        public DocumentRecord Read(CborReader reader, int n)
        {
            ReadKey(reader, _docRef, "docRecords", n, "docRef");
            var color = ReadColor(reader, "docRecords", n);
            var ct = ReadColorTime(reader, "docRecords", n);
            return new DocumentRecord(Identity.DocRef.FromBytes(_docRef), color, ct);
        }
    }

    internal static string ReadText(CborReader reader, string name, int maxChars)
    {
        Expect(reader, CborReaderState.TextString, $"{name} must be text");
        var text = reader.ReadTextString();
        if (text.Length > maxChars)
        {
            throw new FeedFormatException($"payload: {name} longer than {maxChars} chars");
        }

        return text;
    }

    internal static long ReadEpochSeconds(CborReader reader, string name)
    {
        var state = reader.PeekState();
        if (state is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
        {
            throw new FeedFormatException($"payload: {name} must be an integer");
        }

        var value = reader.ReadInt64();
        if (value < 0 || value > CwtClaims.MaxEpochSeconds)
        {
            // As a code's NumericDate: 1970-9999. The clock check subtracts the skew from it, which year 1 cannot take.
            throw new FeedFormatException($"payload: {name} out of range (1970-9999)");
        }

        return value;
    }

    internal static void Expect(CborReader reader, CborReaderState state, string message)
    {
        if (reader.PeekState() != state)
        {
            throw new FeedFormatException($"payload: {message}");
        }
    }
}

/// <summary>A structural or type error in a feed payload; turned into a <see cref="FeedDecodeResult"/>.</summary>
internal sealed class FeedFormatException(string message) : Exception(message);
