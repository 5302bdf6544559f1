using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;

namespace HealthCode.Formats.Feed;

/// <summary>
/// Writes and signs feed messages (the authority side: the authority tool, the demo and tests).
/// The payload keys are written in the order of color-feed.md; the COSE_Sign1 carries tag 18, alg ES256 and,
/// when given, a kid in the protected header.
/// </summary>
public static class FeedEncoder
{
    /// <summary>The CBOR payload of <paramref name="message"/>.</summary>
    public static byte[] EncodePayload(FeedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message)
        {
            case SnapshotMessage s:
                return WriteFeedMessage(FeedMessageType.Snapshot, s.Feed, s.Seq, s.At, s.Records, s.DocRecords);
            case BatchMessage b:
                return WriteFeedMessage(FeedMessageType.Batch, b.Feed, b.Seq, b.At, b.Records, b.DocRecords);
            case HeartbeatMessage h:
                return WriteFeedMessage(FeedMessageType.Heartbeat, h.Feed, h.Seq, h.At, null, null);
            case ManifestMessage m:
                return WriteManifest(m);
            case TrustMessage t:
            {
                var writer = new CborWriter(CborConformanceMode.Strict);
                var docKey = t.Trust.DocKey;
                writer.WriteStartMap(docKey is null ? 3 : 4);
                writer.WriteTextString("t");
                writer.WriteTextString(FeedMessageType.Trust);
                writer.WriteTextString("at");
                writer.WriteInt64(t.At.ToUnixTimeSeconds());
                writer.WriteTextString("issuers");
                TrustListFormat.WriteCbor(writer, t.Trust);
                if (docKey is not null)
                {
                    writer.WriteTextString("docKey");
                    writer.WriteByteString(docKey);
                }

                writer.WriteEndMap();
                return writer.Encode();
            }

            default:
                throw new ArgumentException("Unknown feed message type.", nameof(message));
        }
    }

    /// <summary>Signs <paramref name="message"/> with the authority's private key (ES256) as a tagged COSE_Sign1.</summary>
    /// <param name="message">The message.</param>
    /// <param name="authorityPrivateKey">A P-256 private key.</param>
    /// <param name="kid">Optional key id for the protected header.</param>
    public static byte[] Sign(FeedMessage message, ECDsa authorityPrivateKey, ReadOnlySpan<byte> kid = default)
    {
        ArgumentNullException.ThrowIfNull(authorityPrivateKey);
        return SignPayload(EncodePayload(message), authorityPrivateKey, kid);
    }

    /// <summary>Signs an already encoded payload (also used by tests to sign deliberately malformed payloads).</summary>
    public static byte[] SignPayload(byte[] payload, ECDsa authorityPrivateKey, ReadOnlySpan<byte> kid = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(authorityPrivateKey);
        var headers = new CoseHeaderMap();
        if (!kid.IsEmpty)
        {
            headers.Add(CoseHeaderLabel.KeyIdentifier, kid.ToArray());
        }

        var signer = new CoseSigner(authorityPrivateKey, HashAlgorithmName.SHA256, headers);
        return CoseSign1Message.SignEmbedded(payload, signer);
    }

    private static byte[] WriteFeedMessage(string type, string feed, ulong seq, DateTimeOffset at, IReadOnlyList<ColorRecord>? records, IReadOnlyList<DocumentRecord>? docRecords)
    {
        ArgumentException.ThrowIfNullOrEmpty(feed);
        var capacity = 64 + (records?.Count ?? 0) * 32 + (docRecords?.Count ?? 0) * 28;
        var writer = new CborWriter(CborConformanceMode.Strict, initialCapacity: capacity);
        writer.WriteStartMap(4 + (records is null ? 0 : 1) + (docRecords is null ? 0 : 1));
        writer.WriteTextString("t");
        writer.WriteTextString(type);
        writer.WriteTextString("feed");
        writer.WriteTextString(feed);
        writer.WriteTextString("seq");
        writer.WriteUInt64(seq);
        writer.WriteTextString("at");
        writer.WriteInt64(at.ToUnixTimeSeconds());
        WriteRecordArrays(writer, records, docRecords);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>A part: <c>t, feed, seq, i, records, docRecords</c> (both arrays always written).</summary>
    internal static byte[] EncodePart(PartMessage part)
    {
        ArgumentException.ThrowIfNullOrEmpty(part.Feed);
        ArgumentNullException.ThrowIfNull(part.Records);
        ArgumentNullException.ThrowIfNull(part.DocRecords);
        var writer = new CborWriter(CborConformanceMode.Strict, initialCapacity: 64 + part.Records.Count * 32 + part.DocRecords.Count * 28);
        writer.WriteStartMap(6);
        writer.WriteTextString("t");
        writer.WriteTextString(FeedMessageType.Part);
        writer.WriteTextString("feed");
        writer.WriteTextString(part.Feed);
        writer.WriteTextString("seq");
        writer.WriteUInt64(part.Seq);
        writer.WriteTextString("i");
        writer.WriteUInt64(part.Index);
        WriteRecordArrays(writer, part.Records, part.DocRecords);
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static byte[] WriteManifest(ManifestMessage m)
    {
        ArgumentException.ThrowIfNullOrEmpty(m.Feed);
        ArgumentNullException.ThrowIfNull(m.PartHashes);
        var writer = new CborWriter(CborConformanceMode.Strict, initialCapacity: 128 + m.PartHashes.Count * 34);
        writer.WriteStartMap(7);
        writer.WriteTextString("t");
        writer.WriteTextString(FeedMessageType.Manifest);
        writer.WriteTextString("feed");
        writer.WriteTextString(m.Feed);
        writer.WriteTextString("seq");
        writer.WriteUInt64(m.Seq);
        writer.WriteTextString("at");
        writer.WriteInt64(m.At.ToUnixTimeSeconds());
        writer.WriteTextString("records");
        writer.WriteUInt64(m.RecordCount);
        writer.WriteTextString("docRecords");
        writer.WriteUInt64(m.DocRecordCount);
        writer.WriteTextString("parts");
        writer.WriteStartArray(m.PartHashes.Count);
        foreach (var hash in m.PartHashes)
        {
            if (hash is not { Length: FeedPart.HashBytes })
            {
                throw new ArgumentException("A part hash is exactly 32 bytes.", nameof(m));
            }

            writer.WriteByteString(hash);
        }

        writer.WriteEndArray();
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static void WriteRecordArrays(CborWriter writer, IReadOnlyList<ColorRecord>? records, IReadOnlyList<DocumentRecord>? docRecords)
    {
        Span<byte> key = stackalloc byte[Id128.Length];
        if (records is not null)
        {
            writer.WriteTextString("records");
            writer.WriteStartArray(records.Count);
            foreach (var record in records)
            {
                writer.WriteStartArray(4);
                writer.WriteTextString(record.Issuer);
                record.Id.WriteTo(key);
                WriteKeyColorTime(writer, key, record.Color, record.ColorTime);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        if (docRecords is not null)
        {
            writer.WriteTextString("docRecords");
            writer.WriteStartArray(docRecords.Count);
            foreach (var record in docRecords)
            {
                writer.WriteStartArray(3);
                record.DocRef.WriteTo(key);
                WriteKeyColorTime(writer, key, record.Color, record.ColorTime);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>Bytes of a CBOR head (major type and argument) for <paramref name="value"/>.</summary>
    internal static int HeadBytes(ulong value) => value switch
    {
        < 24 => 1,
        <= byte.MaxValue => 2,
        <= ushort.MaxValue => 3,
        <= uint.MaxValue => 5,
        _ => 9,
    };

    /// <summary>Bytes of an int (uint or negative) as CBOR writes it.</summary>
    internal static int IntBytes(long value) => HeadBytes(value >= 0 ? (ulong)value : (ulong)(-1 - value));

    /// <summary>Bytes of a text string as CBOR writes it.</summary>
    internal static int TextBytes(string text)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(text);
        return HeadBytes((ulong)length) + length;
    }

    /// <summary>Bytes of one <c>records</c> entry: array(4), issuer, id bstr(16), color, ct.</summary>
    internal static int RecordBytes(in ColorRecord record) => 1 + TextBytes(record.Issuer) + 17 + HeadBytes((ulong)record.Color) + IntBytes(record.ColorTime);

    /// <summary>Bytes of one <c>docRecords</c> entry: array(3), docRef bstr(16), color, ct.</summary>
    internal static int DocRecordBytes(in DocumentRecord record) => 1 + 17 + HeadBytes((ulong)record.Color) + IntBytes(record.ColorTime);

    /// <summary>Bytes of a part's map without its entries: keys, t, feed, seq, i and the two array heads.</summary>
    internal static int PartOverheadBytes(string feed, ulong seq, ulong index, long records, long docRecords) =>
        1 + 2 + 5 + 5 + TextBytes(feed) + 4 + HeadBytes(seq) + 2 + HeadBytes(index)
        + 8 + HeadBytes((ulong)records) + 11 + HeadBytes((ulong)docRecords);

    /// <summary>What a record and a document record end with: the 16-byte key (id or docRef), color uint, ct int.</summary>
    private static void WriteKeyColorTime(CborWriter writer, ReadOnlySpan<byte> key, HealthColor color, long colorTime)
    {
        writer.WriteByteString(key);
        writer.WriteUInt32((uint)color);
        writer.WriteInt64(colorTime);
    }
}
