using System.Formats.Cbor;
using System.Security.Cryptography;
using HealthCode.Formats.Feed;

namespace HealthCode.Formats.Tests.Feed;

public sealed class FeedCodecTests : IDisposable
{
    private readonly ECDsa _authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    public void Dispose()
    {
        _authority.Dispose();
        _other.Dispose();
    }

    [Fact]
    public void SampleMessagesSignedByTheRealAuthorityKeyDecode()
    {
        using var key = AuthorityKey.FromBase64Spki(SampleScenario.AuthorityKeyBase64);

        var snapshot = FeedCodec.Decode(SampleScenario.Read("snapshot.cose"), key);
        var heartbeat = FeedCodec.Decode(SampleScenario.Read("heartbeat.cose"), key);
        var trust = FeedCodec.Decode(SampleScenario.Read("trust.cose"), key);

        var s = Assert.IsType<SnapshotMessage>(snapshot.Message);
        Assert.Equal("CN-HL", s.Feed);
        Assert.Equal(1UL, s.Seq);
        var record = Assert.Single(s.Records);
        Assert.Equal("CN-HL", record.Issuer);
        Assert.Equal(HealthColor.Red, record.Color);

        var h = Assert.IsType<HeartbeatMessage>(heartbeat.Message);
        Assert.Equal(1UL, h.Seq);
        Assert.True(h.At > s.At);

        var t = Assert.IsType<TrustMessage>(trust.Message);
        var issuer = Assert.Single(t.Trust.Issuers);
        Assert.Equal("CN-HL", issuer.Region);
        Assert.Equal(8, issuer.Kid.Length);
        Assert.Equal(t.At, t.Trust.SignedAt);
        using var issuerKey = ECDsa.Create();
        issuerKey.ImportSubjectPublicKeyInfo(issuer.SubjectPublicKeyInfo, out _);
        Assert.Equal(256, issuerKey.KeySize);
    }

    [Fact]
    public void SampleMessagesFailAgainstAnotherKey()
    {
        foreach (var name in new[] { "snapshot.cose", "heartbeat.cose", "trust.cose" })
        {
            var result = FeedCodec.Decode(SampleScenario.Read(name), _other);
            Assert.False(result.Ok);
            Assert.Contains("signature", result.Error);
        }
    }

    [Fact]
    public void EveryTruncationAndEverySingleBitFlipOfASampleIsRefusedWithoutThrowing()
    {
        using var key = AuthorityKey.FromBase64Spki(SampleScenario.AuthorityKeyBase64);
        var bytes = SampleScenario.Read("snapshot.cose");
        for (var length = 0; length < bytes.Length; length++)
        {
            var result = FeedCodec.Decode(bytes.AsSpan(0, length), key);
            Assert.False(result.Ok);
            Assert.DoesNotContain("\n", result.Error!, StringComparison.Ordinal);
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var copy = (byte[])bytes.Clone();
                copy[i] ^= (byte)(1 << bit);
                var result = FeedCodec.Decode(copy, key);
                if (result.Ok)
                {
                    // Only a flip that leaves the signed bytes intact may pass: the unprotected header (empty map) cannot change
                    // meaningfully, so anything accepted must decode to the very same message.
                    Assert.Equal(FeedCodec.Decode(bytes, key).Message, result.Message);
                }
            }
        }
    }

    [Fact]
    public void SnapshotBatchHeartbeatAndTrustRoundTrip()
    {
        var records = Records(1000, "CN-HL", "CN-BJ");
        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var trust = new TrustList([new TrustedIssuer
        {
            Kid = [1, 2, 3, 4, 5, 6, 7, 8],
            Region = "CN-HL",
            SubjectPublicKeyInfo = issuerKey.ExportSubjectPublicKeyInfo(),
            NotBefore = At.AddDays(-1),
            NotAfter = At.AddDays(365),
        }]);
        FeedMessage[] messages =
        [
            new SnapshotMessage("CN-HL", 7, At, records),
            new BatchMessage("CN-HL", 8, At.AddSeconds(60), records[..10]),
            new HeartbeatMessage("CN-HL", 8, At.AddSeconds(120)),
            new TrustMessage(At, trust),
        ];

        foreach (var message in messages)
        {
            var result = FeedCodec.Decode(FeedEncoder.Sign(message, _authority, [9, 9, 9, 9, 9, 9, 9, 9]), _authority);
            Assert.True(result.Ok, result.Error);
            switch (message)
            {
                case SnapshotMessage s:
                    var ds = Assert.IsType<SnapshotMessage>(result.Message);
                    Assert.Equal((s.Feed, s.Seq, s.At), (ds.Feed, ds.Seq, ds.At));
                    Assert.Equal(s.Records, ds.Records);
                    Assert.Same(ds.Records[0].Issuer, ds.Records[2].Issuer);
                    break;
                case BatchMessage b:
                    var db = Assert.IsType<BatchMessage>(result.Message);
                    Assert.Equal((b.Feed, b.Seq, b.At), (db.Feed, db.Seq, db.At));
                    Assert.Equal(b.Records, db.Records);
                    break;
                case HeartbeatMessage h:
                    Assert.Equal(h, result.Message);
                    break;
                case TrustMessage t:
                    var dt = Assert.IsType<TrustMessage>(result.Message);
                    Assert.Equal(t.At, dt.At);
                    var issuer = Assert.Single(dt.Trust.Issuers);
                    Assert.Equal(trust.Issuers[0].Kid, issuer.Kid);
                    Assert.Equal(trust.Issuers[0].SubjectPublicKeyInfo, issuer.SubjectPublicKeyInfo);
                    Assert.Equal(trust.Issuers[0].NotAfter, issuer.NotAfter);
                    break;
            }
        }
    }

    [Fact]
    public void SnapshotsAndBatchesCarryDocRecordsOrNone()
    {
        var docRecords = DocRecords(500);
        var records = Records(20, "CN-HL");
        var snapshot = Decode(new SnapshotMessage("CN-HL", 3, At, records, docRecords));
        Assert.Equal(docRecords, Assert.IsType<SnapshotMessage>(snapshot).DocRecords);
        Assert.Equal(records, ((SnapshotMessage)snapshot).Records);
        var batch = Decode(new BatchMessage("CN-HL", 4, At, [], docRecords[..3]));
        Assert.Equal(docRecords[..3], Assert.IsType<BatchMessage>(batch).DocRecords);
        Assert.Empty(((BatchMessage)batch).Records);

        Assert.Null(Assert.IsType<SnapshotMessage>(Decode(new SnapshotMessage("CN-HL", 3, At, records))).DocRecords);
        Assert.Empty(Assert.IsType<SnapshotMessage>(Decode(new SnapshotMessage("CN-HL", 3, At, records, []))).DocRecords!);
    }

    [Fact]
    public void OneBadDocRecordAmongGoodOnesRefusesTheWholeMessage()
    {
        var good = FeedEncoder.EncodePayload(new BatchMessage("CN-HL", 4, At, [], DocRecords(100)));
        Assert.True(FeedCodec.DecodePayload(good).Ok);
        // Entry 50's color (the byte after its 16-byte docRef) is set to 3.
        var docRef = DocRecords(100)[50].DocRef.ToArray();
        var at = good.AsSpan().IndexOf(docRef) + docRef.Length;
        Assert.Equal((byte)DocRecords(100)[50].Color, good[at]);
        good[at] = 3;
        var result = FeedCodec.DecodePayload(good);
        Assert.False(result.Ok);
        Assert.Equal("docRecords[50]: color outside 0..2", result.Error);
    }

    [Fact]
    public void ATrustMessageCarriesTheDocKeyOrNone()
    {
        var docKey = RandomNumberGenerator.GetBytes(32);
        var withKey = FeedCodec.Decode(FeedEncoder.Sign(new TrustMessage(At, new TrustList(TestKeys.Trust.Issuers, docKey: docKey)), _authority), _authority);
        var t = Assert.IsType<TrustMessage>(withKey.Message);
        Assert.Equal(docKey, t.Trust.DocKey);
        Assert.Equal(At, t.Trust.SignedAt);
        Assert.Equal(2, t.Trust.Issuers.Count);

        var withoutKey = FeedCodec.Decode(FeedEncoder.Sign(new TrustMessage(At, TestKeys.Trust), _authority), _authority);
        Assert.Null(Assert.IsType<TrustMessage>(withoutKey.Message).Trust.DocKey);
    }

    [Fact]
    public void AMessageSignedByAnotherKeyIsRefused()
    {
        var bytes = FeedEncoder.Sign(new HeartbeatMessage("CN-HL", 1, At), _other);
        var result = FeedCodec.Decode(bytes, _authority);
        Assert.False(result.Ok);
        Assert.Contains("bad signature", result.Error);
    }

    public static TheoryData<string, string> BadPayloads() => new()
    {
        { "not a map", "payload is not a map" },
        { "missing t", "missing t" },
        { "unknown t", "unknown message type" },
        { "missing feed", "without feed" },
        { "negative seq", "seq must be an unsigned integer" },
        { "text at", "at must be an integer" },
        { "color 3", "color outside 0..2" },
        { "id 15 bytes", "exactly 16 bytes" },
        { "record of 3", "not a definite array of 4" },
        { "issuer as bytes", "issuer must be text" },
        { "huge declared count", "eclared" },
        { "tagged ct", "ct must be an integer" },
        { "trailing bytes", "trailing bytes" },
        { "duplicate key", "malformed CBOR" },
        { "float seq", "seq must be an unsigned integer" },
        { "seq 2^63", "seq 9223372036854775808 is above 2^63-1" },
        { "seq 2^64-1", "seq 18446744073709551615 is above 2^63-1" },
        { "empty issuer", "issuer is empty" },
        { "docRecords not an array", "docRecords must be an array" },
        { "docRef 15 bytes", "docRecords[0]: docRef must be exactly 16 bytes" },
        { "docRef 17 bytes", "docRecords[0]: docRef must be exactly 16 bytes" },
        { "docRef as text", "docRecords[0]: docRef must be a byte string" },
        { "doc color 3", "docRecords[0]: color outside 0..2" },
        { "doc color negative", "docRecords[0]: color must be an unsigned integer" },
        { "doc ct float", "docRecords[0]: ct must be an integer" },
        { "doc record of 4", "docRecords[0]: not a definite array of 3" },
        { "doc record of 2", "docRecords[0]: not a definite array of 3" },
        { "doc huge declared count", "eclared" },
        { "docKey 31 bytes", "docKey is 31 bytes, not 32" },
        { "docKey 33 bytes", "docKey is 33 bytes, not 32" },
        { "docKey as text", "docKey must be a byte string" },
    };

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public void SignedButMalformedPayloadsAreRefusedWithOneLine(string which, string expected)
    {
        var payload = BadPayload(which);
        var result = FeedCodec.Decode(FeedEncoder.SignPayload(payload, _authority), _authority);
        Assert.False(result.Ok);
        Assert.Contains(expected, result.Error);
        Assert.DoesNotContain("\n", result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLargestSeqASigned64BitStoreHoldsIsAccepted()
    {
        var snapshot = Assert.IsType<SnapshotMessage>(Decode(new SnapshotMessage("CN-HL", long.MaxValue, At, [])));
        Assert.Equal((ulong)long.MaxValue, snapshot.Seq);
        foreach (FeedMessage message in new FeedMessage[] { new BatchMessage("CN-HL", 1UL << 63, At, []), new HeartbeatMessage("CN-HL", ulong.MaxValue, At) })
        {
            var result = FeedCodec.Decode(FeedEncoder.Sign(message, _authority), _authority);
            Assert.False(result.Ok);
            Assert.Contains("above 2^63-1", result.Error);
        }
    }

    [Fact]
    public void GarbageIsRefused()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            if (bytes.Length > 0 && i % 2 == 0)
            {
                bytes[0] = 0xD2; // tag 18, to get past the first byte
            }

            Assert.False(FeedCodec.Decode(bytes, _authority).Ok);
        }
    }

    private FeedMessage Decode(FeedMessage message)
    {
        var result = FeedCodec.Decode(FeedEncoder.Sign(message, _authority), _authority);
        Assert.True(result.Ok, result.Error);
        return result.Message!;
    }

    internal static DocumentRecord[] DocRecords(int count)
    {
        var random = new Random(count);
        var records = new DocumentRecord[count];
        for (var i = 0; i < count; i++)
        {
            records[i] = new DocumentRecord(new HealthCode.Formats.Identity.DocRef((ulong)random.NextInt64(), (ulong)random.NextInt64()), (HealthColor)(i % 3), 1_700_000_000 - i);
        }

        return records;
    }

    internal static ColorRecord[] Records(int count, params string[] issuers)
    {
        var random = new Random(count);
        var records = new ColorRecord[count];
        for (var i = 0; i < count; i++)
        {
            records[i] = new ColorRecord(issuers[i % issuers.Length], new CodeId((ulong)random.NextInt64(), (ulong)random.NextInt64()), (HealthColor)(i % 3), 1_700_000_000 + i);
        }

        return records;
    }

    private static byte[] BadPayload(string which)
    {
        var w = new CborWriter(CborConformanceMode.Lax, allowMultipleRootLevelValues: true);
        switch (which)
        {
            case "not a map":
                w.WriteStartArray(0);
                w.WriteEndArray();
                return w.Encode();
            case "trailing bytes":
                Heartbeat(w);
                w.WriteInt32(1);
                return w.Encode();
            case "huge declared count":
                return HugeDeclaredCount("records");
            case "doc huge declared count":
                return HugeDeclaredCount("docRecords");
            case "docKey 31 bytes":
            case "docKey 33 bytes":
            case "docKey as text":
                w.WriteStartMap(4);
                w.WriteTextString("t");
                w.WriteTextString("trust");
                w.WriteTextString("at");
                w.WriteInt64(1_800_000_000);
                w.WriteTextString("issuers");
                TrustListFormat.WriteCbor(w, TestKeys.Trust);
                w.WriteTextString("docKey");
                if (which == "docKey as text") w.WriteTextString(Convert.ToBase64String(new byte[32]));
                else w.WriteByteString(new byte[which == "docKey 31 bytes" ? 31 : 33]);
                w.WriteEndMap();
                return w.Encode();
            case "duplicate key":
                w.WriteStartMap(5);
                w.WriteTextString("t");
                w.WriteTextString("heartbeat");
                w.WriteTextString("feed");
                w.WriteTextString("CN-HL");
                w.WriteTextString("seq");
                w.WriteUInt64(1);
                w.WriteTextString("at");
                w.WriteInt64(1);
                w.WriteTextString("seq");
                w.WriteUInt64(2);
                w.WriteEndMap();
                return w.Encode();
        }

        var fields = new List<(string Key, Action<CborWriter> Value)>
        {
            ("t", x => x.WriteTextString(which == "unknown t" ? "delete" : "snapshot")),
            ("feed", x => x.WriteTextString("CN-HL")),
            ("seq", x =>
            {
                if (which == "negative seq") x.WriteInt64(-1);
                else if (which == "float seq") x.WriteDouble(1.0);
                else if (which == "seq 2^63") x.WriteUInt64(1UL << 63);
                else if (which == "seq 2^64-1") x.WriteUInt64(ulong.MaxValue);
                else x.WriteUInt64(1);
            }),
            ("at", x =>
            {
                if (which == "text at") x.WriteTextString("2026-01-01T00:00:00Z");
                else x.WriteInt64(1_800_000_000);
            }),
            ("docRecords", x =>
            {
                if (which == "docRecords not an array")
                {
                    x.WriteByteString(new byte[16]);
                    return;
                }

                x.WriteStartArray(1);
                x.WriteStartArray(which == "doc record of 4" ? 4 : which == "doc record of 2" ? 2 : 3);
                if (which == "docRef as text") x.WriteTextString("0123456789abcdef");
                else x.WriteByteString(new byte[which == "docRef 15 bytes" ? 15 : which == "docRef 17 bytes" ? 17 : 16]);
                if (which == "doc color negative") x.WriteInt32(-1);
                else x.WriteUInt32(which == "doc color 3" ? 3u : 0u);
                if (which != "doc record of 2")
                {
                    if (which == "doc ct float") x.WriteDouble(1.5);
                    else x.WriteInt64(1);
                }

                if (which == "doc record of 4") x.WriteInt64(1);
                x.WriteEndArray();
                x.WriteEndArray();
            }),
            ("records", x =>
            {
                x.WriteStartArray(1);
                x.WriteStartArray(which == "record of 3" ? 3 : 4);
                if (which == "issuer as bytes") x.WriteByteString("CN-HL"u8);
                else x.WriteTextString(which == "empty issuer" ? "" : "CN-HL");
                x.WriteByteString(new byte[which == "id 15 bytes" ? 15 : 16]);
                x.WriteUInt32(which == "color 3" ? 3u : 0u);
                if (which != "record of 3")
                {
                    if (which == "tagged ct") x.WriteTag(CborTag.UnixTimeSeconds);
                    x.WriteInt64(1);
                }

                x.WriteEndArray();
                x.WriteEndArray();
            }),
        };
        fields.RemoveAll(f => (which == "missing t" && f.Key == "t") || (which == "missing feed" && f.Key == "feed"));
        w.WriteStartMap(fields.Count);
        foreach (var (key, value) in fields)
        {
            w.WriteTextString(key);
            value(w);
        }

        w.WriteEndMap();
        return w.Encode();
    }

    private static byte[] HugeDeclaredCount(string key)
    {
        // map(5) { t, feed, seq, at, records or docRecords: array(2^31-1) holding a single entry }: the count is a lie.
        var items = new CborWriter(CborConformanceMode.Lax, allowMultipleRootLevelValues: true);
        items.WriteTextString("t");
        items.WriteTextString("snapshot");
        items.WriteTextString("feed");
        items.WriteTextString("CN-HL");
        items.WriteTextString("seq");
        items.WriteUInt64(1);
        items.WriteTextString("at");
        items.WriteInt64(1_800_000_000);
        items.WriteTextString(key);
        var record = new CborWriter();
        var docs = key == "docRecords";
        record.WriteStartArray(docs ? 3 : 4);
        if (!docs)
        {
            record.WriteTextString("CN-HL");
        }

        record.WriteByteString(new byte[16]);
        record.WriteUInt32(0);
        record.WriteInt64(1);
        record.WriteEndArray();
        return [0xA5, .. items.Encode(), 0x9A, 0x7F, 0xFF, 0xFF, 0xFF, .. record.Encode()];
    }

    private static void Heartbeat(CborWriter w)
    {
        w.WriteStartMap(4);
        w.WriteTextString("t");
        w.WriteTextString("heartbeat");
        w.WriteTextString("feed");
        w.WriteTextString("CN-HL");
        w.WriteTextString("seq");
        w.WriteUInt64(1);
        w.WriteTextString("at");
        w.WriteInt64(1);
        w.WriteEndMap();
    }
}
