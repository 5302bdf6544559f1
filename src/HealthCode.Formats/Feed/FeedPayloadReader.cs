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
            return ReadCore(payload, limits);
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

    private static FeedDecodeResult ReadCore(ReadOnlyMemory<byte> payload, FeedLimits limits)
    {
        var reader = new CborReader(payload, CborConformanceMode.Strict);
        Expect(reader, CborReaderState.StartMap, "payload is not a map");
        var count = reader.ReadStartMap();

        string? type = null;
        string? feed = null;
        ulong? seq = null;
        long? at = null;
        ColorRecord[]? records = null;
        DocumentRecord[]? docRecords = null;
        TrustList? trust = null;
        byte[]? docKey = null;

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
                    type = ReadText(reader, "t", 16);
                    break;
                case "feed":
                    feed = ReadText(reader, "feed", limits.MaxFeedChars);
                    if (feed.Length == 0)
                    {
                        throw new FeedFormatException("payload: feed is empty");
                    }

                    break;
                case "seq":
                    Expect(reader, CborReaderState.UnsignedInteger, "seq must be an unsigned integer");
                    seq = reader.ReadUInt64();
                    if (seq > long.MaxValue)
                    {
                        // The store keeps seqs as SQLite's signed 64-bit integers; a larger one could only be stored wrapped.
                        throw new FeedFormatException($"payload: seq {seq} is above 2^63-1");
                    }

                    break;
                case "at":
                    at = ReadEpochSeconds(reader, "at");
                    break;
                case "records":
                    records = ReadRecords(reader, limits);
                    break;
                case "docRecords":
                    docRecords = ReadDocRecords(reader);
                    break;
                case "issuers":
                    try
                    {
                        trust = TrustListFormat.ReadCbor(reader);
                    }
                    catch (FormatException ex)
                    {
                        throw new FeedFormatException($"payload: issuers: {FeedCodec.OneLine(ex.Message)}");
                    }

                    break;
                case "docKey":
                    Expect(reader, CborReaderState.ByteString, "docKey must be a byte string");
                    docKey = reader.ReadByteString();
                    if (docKey.Length != Identity.DocRef.KeyLength)
                    {
                        throw new FeedFormatException($"payload: docKey is {docKey.Length} bytes, not {Identity.DocRef.KeyLength}");
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

        if (type is null)
        {
            throw new FeedFormatException("payload: missing t");
        }

        if (at is not { } atSeconds)
        {
            throw new FeedFormatException("payload: missing at");
        }

        var atTime = DateTimeOffset.FromUnixTimeSeconds(atSeconds);
        switch (type)
        {
            case FeedMessageType.Snapshot:
            case FeedMessageType.Batch:
            {
                var f = feed ?? throw new FeedFormatException($"payload: {type} without feed");
                var s = seq ?? throw new FeedFormatException($"payload: {type} without seq");
                var r = records ?? throw new FeedFormatException($"payload: {type} without records");
                return FeedDecodeResult.Success(type == FeedMessageType.Snapshot
                    ? new SnapshotMessage(f, s, atTime, r, docRecords)
                    : new BatchMessage(f, s, atTime, r, docRecords));
            }

            case FeedMessageType.Heartbeat:
            {
                var f = feed ?? throw new FeedFormatException("payload: heartbeat without feed");
                var s = seq ?? throw new FeedFormatException("payload: heartbeat without seq");
                return FeedDecodeResult.Success(new HeartbeatMessage(f, s, atTime));
            }

            case FeedMessageType.Trust:
            {
                var list = trust ?? throw new FeedFormatException("payload: trust without issuers");
                return FeedDecodeResult.Success(new TrustMessage(atTime, new TrustList(list.Issuers, atTime, docKey)));
            }

            default:
                throw new FeedFormatException("payload: unknown message type t");
        }
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
