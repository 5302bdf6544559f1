using System.Formats.Cbor;
using System.Runtime.CompilerServices;

namespace HealthCode.Formats.Feed;

/// <summary>Strict reader of the feed payload map. Fills records straight into a preallocated array.</summary>
internal static class FeedPayloadReader
{
    /// <summary>Smallest encoding of one record: array(4) + tstr(empty) + bstr(16) + uint + int.</summary>
    private const int MinRecordBytes = 1 + 1 + 17 + 1 + 1;

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
                    break;
                case "at":
                    at = ReadEpochSeconds(reader, "at");
                    break;
                case "records":
                    records = ReadRecords(reader, limits);
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

        reader.ReadEndMap();
        if (reader.BytesRemaining != 0)
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
                    ? new SnapshotMessage(f, s, atTime, r)
                    : new BatchMessage(f, s, atTime, r));
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

    // Runs once per message over millions of records: compile it fully optimised at once (no tier-0 pass).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ColorRecord[] ReadRecords(CborReader reader, FeedLimits limits)
    {
        Expect(reader, CborReaderState.StartArray, "records must be an array");
        var declared = reader.ReadStartArray();
        ColorRecord[] records;
        var n = 0;
        if (declared is { } d)
        {
            // A hostile count cannot make us allocate more than the bytes that follow could hold.
            if (d > reader.BytesRemaining / MinRecordBytes)
            {
                throw new FeedFormatException($"records: declared count {d} exceeds what the message can hold");
            }

            records = new ColorRecord[d];
        }
        else
        {
            records = new ColorRecord[Math.Min(1024, reader.BytesRemaining / MinRecordBytes + 1)];
        }

        var interner = new IssuerInterner(limits.MaxDistinctIssuers);
        Span<char> issuerBuffer = stackalloc char[limits.MaxIssuerChars];
        Span<byte> idBuffer = stackalloc byte[CodeId.Length];
        while (reader.PeekState() != CborReaderState.EndArray)
        {
            if (declared is { } dd && n >= dd)
            {
                throw new FeedFormatException("records: array longer than declared");
            }

            if (n == records.Length)
            {
                Array.Resize(ref records, checked(records.Length * 2));
            }

            if (reader.PeekState() != CborReaderState.StartArray || reader.ReadStartArray() != 4)
            {
                throw new FeedFormatException($"records[{n}]: not a definite array of 4");
            }

            if (reader.PeekState() != CborReaderState.TextString)
            {
                throw new FeedFormatException($"records[{n}]: issuer must be text");
            }

            if (!reader.TryReadTextString(issuerBuffer, out var issuerChars))
            {
                throw new FeedFormatException($"records[{n}]: issuer longer than {limits.MaxIssuerChars} chars");
            }

            if (issuerChars == 0)
            {
                throw new FeedFormatException($"records[{n}]: issuer is empty");
            }

            var issuer = interner.Intern(issuerBuffer[..issuerChars])
                ?? throw new FeedFormatException($"records: more than {limits.MaxDistinctIssuers} distinct issuers");

            if (reader.PeekState() != CborReaderState.ByteString)
            {
                throw new FeedFormatException($"records[{n}]: id must be a byte string");
            }

            if (!reader.TryReadByteString(idBuffer, out var idBytes) || idBytes != CodeId.Length)
            {
                throw new FeedFormatException($"records[{n}]: id must be exactly 16 bytes");
            }

            if (reader.PeekState() != CborReaderState.UnsignedInteger)
            {
                throw new FeedFormatException($"records[{n}]: color must be an unsigned integer");
            }

            var color = reader.ReadUInt64();
            if (color > (ulong)HealthColor.Red)
            {
                throw new FeedFormatException($"records[{n}]: color outside 0..2");
            }

            var state = reader.PeekState();
            if (state is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
            {
                throw new FeedFormatException($"records[{n}]: ct must be an integer");
            }

            var ct = reader.ReadInt64();
            reader.ReadEndArray();
            records[n++] = new ColorRecord(issuer, CodeId.FromBytes(idBuffer), (HealthColor)color, ct);
        }

        reader.ReadEndArray();
        if (n != records.Length)
        {
            Array.Resize(ref records, n);
        }

        return records;
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
        if (value < DateTimeOffset.MinValue.ToUnixTimeSeconds() || value > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            throw new FeedFormatException($"payload: {name} out of range");
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
