using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using HealthCode.Formats.Feed;
using HealthCode.Formats.Identity;

namespace HealthCode.Formats.Tests.Feed;

public sealed class ManifestTests : IDisposable
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly ECDsa _authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => _authority.Dispose();

    [Fact]
    public void AManifestRoundTripsThroughSignAndDecode()
    {
        var hashes = Enumerable.Range(0, 40).Select(i => SHA256.HashData(BitConverter.GetBytes(i))).ToArray();
        var manifest = new ManifestMessage("CN-HL", 42, At, 1_000, 2_000, hashes);

        var result = FeedCodec.Decode(FeedEncoder.Sign(manifest, _authority), _authority);

        Assert.True(result.Ok, result.Error);
        var decoded = Assert.IsType<ManifestMessage>(result.Message);
        Assert.Equal((manifest.Feed, manifest.Seq, manifest.At, manifest.RecordCount, manifest.DocRecordCount), (decoded.Feed, decoded.Seq, decoded.At, decoded.RecordCount, decoded.DocRecordCount));
        Assert.Equal(hashes, decoded.PartHashes);
        Assert.Equal(FeedMessageType.Manifest, FeedMessageType.Of(decoded));
    }

    [Fact]
    public void AnEmptyManifestIsTheEmptyState()
    {
        var decoded = Assert.IsType<ManifestMessage>(FeedCodec.Decode(FeedEncoder.Sign(new ManifestMessage("CN-HL", 1, At, 0, 0, []), _authority), _authority).Message);
        Assert.Empty(decoded.PartHashes);
        Assert.Equal(0UL, decoded.RecordCount);
    }

    [Fact]
    public void APartRoundTripsAndEitherArrayMayBeEmpty()
    {
        var records = Sorted(FeedCodecTests.Records(300, "CN-HL", "CN-BJ"));
        var docs = Sorted(FeedCodecTests.DocRecords(200));
        PartMessage[] parts =
        [
            new("CN-HL", 9, 0, records, docs),
            new("CN-HL", 9, 1, [], docs),
            new("CN-HL", 9, 2, records, []),
            new("CN-HL", 9, 3, [], []),
        ];

        foreach (var part in parts)
        {
            var bytes = FeedPart.Encode(part);
            var result = FeedPart.Decode(bytes);
            Assert.True(result.Ok, result.Error);
            var decoded = result.Part!;
            Assert.Equal((part.Feed, part.Seq, part.Index), (decoded.Feed, decoded.Seq, decoded.Index));
            Assert.Equal(part.Records, decoded.Records);
            Assert.Equal(part.DocRecords, decoded.DocRecords);
            Assert.Equal(SHA256.HashData(bytes), FeedPart.Hash(bytes));
            Assert.True(FeedPart.Matches(bytes, FeedPart.Hash(bytes)));
        }
    }

    [Fact]
    public void APartWithOneFlippedBitOrAnotherLengthNoLongerMatchesItsHash()
    {
        var bytes = FeedPart.Encode(new PartMessage("CN-HL", 9, 0, Sorted(FeedCodecTests.Records(50, "CN-HL")), []));
        var hash = FeedPart.Hash(bytes);
        for (var i = 0; i < bytes.Length; i += 7)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x10;
            Assert.False(FeedPart.Matches(copy, hash));
        }

        Assert.False(FeedPart.Matches(bytes.AsSpan(0, bytes.Length - 1), hash));
        Assert.False(FeedPart.Matches([.. bytes, 0], hash));
        Assert.False(FeedPart.Matches(bytes, hash.AsSpan(0, 31)));
        Assert.False(FeedPart.Matches(bytes, new byte[32]));
    }

    [Fact]
    public void APartOverOneMebibyteIsRefusedBeforeItIsRead()
    {
        var big = new byte[FeedPart.MaxBytes + 1];
        var result = FeedPart.Decode(big);
        Assert.False(result.Ok);
        Assert.Equal($"part: {FeedPart.MaxBytes + 1} bytes exceeds the limit of {FeedPart.MaxBytes}", result.Error);

        // A well-formed part of just over the limit is refused as well.
        var records = new List<ColorRecord>();
        for (var i = 0; records.Count * 30 < FeedPart.MaxBytes; i++)
        {
            records.Add(new ColorRecord("CN-HL", new CodeId(0, (ulong)i), HealthColor.Green, 1_700_000_000));
        }

        var encoded = FeedPart.Encode(new PartMessage("CN-HL", 1, 0, records, []));
        Assert.True(encoded.Length > FeedPart.MaxBytes);
        Assert.Contains("exceeds the limit", FeedPart.Decode(encoded).Error);
    }

    [Fact]
    public void APartIsNeverASignedMessage()
    {
        var payload = FeedPart.Encode(new PartMessage("CN-HL", 1, 0, [], []));
        var result = FeedCodec.Decode(FeedEncoder.SignPayload(payload, _authority), _authority);
        Assert.False(result.Ok);
        Assert.Contains("a part is never signed", result.Error);
    }

    public static TheoryData<string, string> BadManifests() => new()
    {
        { "records as array", "manifest records must be an unsigned integer" },
        { "docRecords as array", "manifest docRecords must be an unsigned integer" },
        { "no records", "manifest without records" },
        { "no docRecords", "manifest without docRecords" },
        { "no parts", "manifest without parts" },
        { "no feed", "manifest without feed" },
        { "no seq", "manifest without seq" },
        { "no at", "missing at" },
        { "parts not an array", "parts must be an array" },
        { "hash 31 bytes", "parts[1] is 31 bytes, not 32" },
        { "hash 33 bytes", "parts[1] is 33 bytes, not 32" },
        { "hash as text", "parts[1] must be a byte string" },
        { "huge declared parts", "eclared" },
        { "counts no part can hold", "manifest counts exceed what 2 parts can hold" },
        { "negative count", "records must be an array" },
    };

    [Theory]
    [MemberData(nameof(BadManifests))]
    public void SignedButMalformedManifestsAreRefusedWithOneLine(string which, string expected)
    {
        var result = FeedCodec.Decode(FeedEncoder.SignPayload(BadManifest(which), _authority), _authority);
        Assert.False(result.Ok);
        Assert.Contains(expected, result.Error);
        Assert.DoesNotContain("\n", result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public void ASnapshotOrBatchWithCountsInsteadOfArraysIsRefused()
    {
        foreach (var t in new[] { "snapshot", "batch" })
        {
            var w = new CborWriter();
            w.WriteStartMap(5);
            w.WriteTextString("t");
            w.WriteTextString(t);
            w.WriteTextString("feed");
            w.WriteTextString("CN-HL");
            w.WriteTextString("seq");
            w.WriteUInt64(1);
            w.WriteTextString("at");
            w.WriteInt64(1_800_000_000);
            w.WriteTextString("records");
            w.WriteUInt64(3);
            w.WriteEndMap();
            var result = FeedCodec.DecodePayload(w.Encode());
            Assert.False(result.Ok);
            Assert.Equal($"payload: {t} records must be an array", result.Error);
        }
    }

    public static TheoryData<string, string> BadParts() => new()
    {
        { "empty", "part: empty" },
        { "not a map", "part: payload is not a map" },
        { "t snapshot", "part: t is not part" },
        { "no t", "part: missing t" },
        { "no feed", "part: part without feed" },
        { "empty feed", "part: feed is empty" },
        { "no seq", "part: part without seq" },
        { "no i", "part: part without i" },
        { "negative i", "part: i must be an unsigned integer" },
        { "text i", "part: i must be an unsigned integer" },
        { "no records", "part: part without records" },
        { "no docRecords", "part: part without docRecords" },
        { "records as count", "part: part records must be an array" },
        { "docRecords as count", "part: part docRecords must be an array" },
        { "records as bytes", "part: records must be an array" },
        { "record of 3", "part: records[0]: not a definite array of 4" },
        { "color 3", "part: records[0]: color outside 0..2" },
        { "docRef 15 bytes", "part: docRecords[0]: docRef must be exactly 16 bytes" },
        { "trailing bytes", "part: trailing bytes after the map" },
        { "truncated", "part: malformed CBOR" },
    };

    [Theory]
    [MemberData(nameof(BadParts))]
    public void MalformedPartsAreRefusedWithOneLineAndNeverThrow(string which, string expected)
    {
        var result = FeedPart.Decode(BadPart(which));
        Assert.False(result.Ok);
        Assert.Null(result.Part);
        Assert.Contains(expected, result.Error);
        Assert.DoesNotContain("\n", result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public void GarbageAndEveryTruncationOfAPartAreRefusedWithoutThrowing()
    {
        var bytes = FeedPart.Encode(new PartMessage("CN-HL", 3, 1, Sorted(FeedCodecTests.Records(20, "CN-HL")), Sorted(FeedCodecTests.DocRecords(20))));
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(FeedPart.Decode(bytes.AsMemory(0, length)).Ok);
        }

        var random = new Random(11);
        for (var i = 0; i < 500; i++)
        {
            var garbage = new byte[random.Next(1, 200)];
            random.NextBytes(garbage);
            Assert.False(FeedPart.Decode(garbage).Ok);
        }
    }

    [Fact]
    public void KeysOrderByIdBytesThenIssuerUtf8Bytes()
    {
        var random = new Random(5);
        string[] issuers = ["CN-HL", "CN-BJ", "CN-H", "CN-HLa", "\uE000", "\uFFFD", "\U0001F600", "Z", "é", "CN-H\U0001F600", "CN-H\uFFFF"];
        for (var n = 0; n < 2_000; n++)
        {
            var a = RandomId(random);
            var b = random.Next(3) == 0 ? a : RandomId(random);
            var ia = issuers[random.Next(issuers.Length)];
            var ib = issuers[random.Next(issuers.Length)];
            var expected = a.AsSpan().SequenceCompareTo(b);
            if (expected == 0)
            {
                expected = Encoding.UTF8.GetBytes(ia).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(ib));
            }

            var actual = FeedKeyOrder.Compare(new ColorRecord(ia, CodeId.FromBytes(a), HealthColor.Green, 1), new ColorRecord(ib, CodeId.FromBytes(b), HealthColor.Red, 2));
            Assert.Equal(Math.Sign(expected), Math.Sign(actual));

            var docExpected = a.AsSpan().SequenceCompareTo(b);
            var docActual = FeedKeyOrder.Compare(new DocumentRecord(DocRef.FromBytes(a), HealthColor.Green, 1), new DocumentRecord(DocRef.FromBytes(b), HealthColor.Red, 5));
            Assert.Equal(Math.Sign(docExpected), Math.Sign(docActual));
        }
    }

    [Fact]
    public void TheWriterSplitsAProvinceIntoFullPartsThatMatchTheManifestAndPassTheChecker()
    {
        var records = Sorted(FeedCodecTests.Records(20_000, "CN-HL", "CN-BJ", "CN-JL"));
        var docs = Sorted(FeedCodecTests.DocRecords(50_000));
        var parts = new List<byte[]>();
        var writer = new ManifestWriter("CN-HL", 77);
        writer.PartWritten = (index, bytes) =>
        {
            Assert.Equal(parts.Count, index);
            parts.Add(bytes);
        };
        foreach (var r in records)
        {
            writer.AddRecord(r);
        }

        foreach (var d in docs)
        {
            writer.AddDocRecord(d);
        }

        var manifest = writer.Finish(At);
        var signed = FeedEncoder.Sign(manifest, _authority);
        var decoded = Assert.IsType<ManifestMessage>(FeedCodec.Decode(signed, _authority).Message);

        Assert.True(parts.Count >= 2, $"{parts.Count} parts");
        Assert.Equal(parts.Count, decoded.PartHashes.Count);
        Assert.Equal((ulong)records.Length, decoded.RecordCount);
        Assert.Equal((ulong)docs.Length, decoded.DocRecordCount);
        var checker = new ManifestPartChecker(decoded);
        var readRecords = new List<ColorRecord>();
        var readDocs = new List<DocumentRecord>();
        for (var i = 0; i < parts.Count; i++)
        {
            Assert.True(parts[i].Length <= FeedPart.MaxBytes);
            if (i < parts.Count - 1)
            {
                // Full: the next record (at most 34 bytes here, with the array head growing) would not have fitted.
                Assert.True(parts[i].Length > FeedPart.MaxBytes - 40, $"part {i} is {parts[i].Length} bytes");
            }

            Assert.True(FeedPart.Matches(parts[i], decoded.PartHashes[i]));
            var part = FeedPart.Decode(parts[i]);
            Assert.True(part.Ok, part.Error);
            Assert.Null(checker.Check(part.Part!, i));
            readRecords.AddRange(part.Part!.Records);
            readDocs.AddRange(part.Part.DocRecords);
        }

        Assert.Null(checker.Complete(parts.Count));
        Assert.Equal(records, readRecords);
        Assert.Equal(docs, readDocs);
    }

    [Fact]
    public void TheWriterHandsEachPartOnAsItClosesHoldingOnlyOne()
    {
        var docs = Sorted(FeedCodecTests.DocRecords(5_000));
        const int Max = 4_096;
        var writer = new ManifestWriter("CN-HL", 5, Max);
        var closed = new List<(ulong AddedWhenClosed, int Records, int Bytes)>();
        writer.PartWritten = (index, bytes) => closed.Add((writer.DocRecordCount, FeedPart.Decode(bytes).Part!.DocRecords.Count, bytes.Length));
        foreach (var d in docs)
        {
            writer.AddDocRecord(d);
        }

        var closedBeforeFinish = closed.Count;
        var manifest = writer.Finish(At);

        Assert.True(closedBeforeFinish > 20, $"{closedBeforeFinish} parts closed before Finish");
        Assert.Equal(closedBeforeFinish + 1, manifest.PartHashes.Count);
        var inParts = 0UL;
        foreach (var (added, count, bytes) in closed.Take(closedBeforeFinish))
        {
            Assert.InRange(bytes, Max - 40, Max);
            inParts += (ulong)count;

            // A part closes when the next record comes: at that moment no more than one record is held besides the part.
            Assert.Equal(inParts, added);
        }
    }

    [Fact]
    public void AnEmptyProvinceHasNoParts()
    {
        var writer = new ManifestWriter("CN-HL", 3);
        var written = 0;
        writer.PartWritten = (_, _) => written++;
        var manifest = writer.Finish(At);
        Assert.Empty(manifest.PartHashes);
        Assert.Equal(0, written);
        Assert.Null(new ManifestPartChecker(manifest).Complete(0));
    }

    [Fact]
    public void TheWriterRefusesKeysOutOfOrderRepeatedOrRecordsAfterDocRecords()
    {
        var records = Sorted(FeedCodecTests.Records(3, "CN-HL"));
        var docs = Sorted(FeedCodecTests.DocRecords(3));

        var writer = new ManifestWriter("CN-HL", 1);
        writer.AddRecord(records[1]);
        Assert.Throws<ArgumentException>(() => writer.AddRecord(records[0]));
        Assert.Throws<ArgumentException>(() => writer.AddRecord(records[1]));
        Assert.Throws<ArgumentException>(() => writer.AddRecord(records[1] with { Color = HealthColor.Red, ColorTime = 5 }));
        writer.AddRecord(records[1] with { Issuer = "CN-HM" });
        writer.AddDocRecord(docs[1]);
        Assert.Throws<ArgumentException>(() => writer.AddDocRecord(docs[0]));
        Assert.Throws<ArgumentException>(() => writer.AddDocRecord(docs[1]));
        Assert.Throws<ArgumentException>(() => writer.AddRecord(records[2]));
        Assert.Throws<ArgumentException>(() => writer.AddRecord(records[2] with { Issuer = "" }));
        Assert.Throws<ArgumentException>(() => writer.AddDocRecord(docs[2] with { Color = (HealthColor)3 }));
        writer.AddDocRecord(docs[2]);
        var manifest = writer.Finish(At);
        Assert.Equal((2UL, 2UL), (manifest.RecordCount, manifest.DocRecordCount));
        Assert.Throws<InvalidOperationException>(() => writer.Finish(At));
        Assert.Throws<InvalidOperationException>(() => writer.AddDocRecord(docs[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ManifestWriter("CN-HL", 1, FeedPart.MaxBytes + 1));
    }

    public static TheoryData<string, string> BadPartSequences() => new()
    {
        { "record out of order within a part", "part 0: records[1] out of order" },
        { "record repeated within a part", "part 0: records[1] repeats a key" },
        { "record out of order across parts", "part 1: records[0] out of order" },
        { "record repeated across parts", "part 1: records[0] repeats a key" },
        { "same id, issuers out of order", "part 0: records[1] out of order" },
        { "docRecord out of order within a part", "part 0: docRecords[1] out of order" },
        { "docRecord repeated across parts", "part 1: docRecords[0] repeats a docRef" },
        { "docRecord out of order across parts", "part 1: docRecords[0] out of order" },
        { "records after docRecords began", "part 1: records after docRecords began" },
        { "wrong feed", "part 1: feed differs from the manifest's" },
        { "wrong seq", "part 1: seq 8 differs from the manifest's seq 7" },
        { "wrong i", "part 1: i is 2" },
        { "more records than counted", "part 1: more records than the manifest's 3" },
        { "more docRecords than counted", "part 1: more docRecords than the manifest's 3" },
        { "more parts than listed", "part 2: the manifest lists 2 parts" },
        { "fewer parts than listed", "manifest lists 2 parts, 1 seen" },
        { "fewer records than counted", "manifest counts 3 records, the parts hold 2" },
        { "fewer docRecords than counted", "manifest counts 3 docRecords, the parts hold 2" },
    };

    [Theory]
    [MemberData(nameof(BadPartSequences))]
    public void EveryMalformedCaseOfAProvinceIsRefusedWithOneLineThatNamesNoKey(string which, string expected)
    {
        var r = Sorted(FeedCodecTests.Records(6, "CN-HL"));
        var d = Sorted(FeedCodecTests.DocRecords(6));
        ColorRecord[] p0Records = [r[0], r[1]];
        DocumentRecord[] p0Docs = [];
        ColorRecord[] p1Records = [r[2]];
        DocumentRecord[] p1Docs = [d[0], d[1], d[2]];
        string feed = "CN-HL";
        ulong seq = 7, index = 1;
        var partCount = 2;
        var extraPart = false;
        (ulong Records, ulong Docs) counts = (3, 3);
        switch (which)
        {
            case "record out of order within a part": p0Records = [r[1], r[0]]; break;
            case "record repeated within a part": p0Records = [r[0], r[0] with { Color = HealthColor.Red }]; break;
            case "record out of order across parts": p1Records = [r[0]]; break;
            case "record repeated across parts": p1Records = [r[1]]; break;
            case "same id, issuers out of order": p0Records = [r[0] with { Issuer = "CN-HM" }, r[0]]; break;
            case "docRecord out of order within a part": p0Docs = [d[1], d[0]]; p0Records = [r[0]]; p1Docs = [d[2]]; p1Records = [r[1], r[2]]; break;
            case "docRecord repeated across parts": p0Docs = [d[0]]; p0Records = [.. r[..3]]; p1Records = []; p1Docs = [d[0], d[1]]; break;
            case "docRecord out of order across parts": p0Docs = [d[3]]; p0Records = [.. r[..3]]; p1Records = []; p1Docs = [d[0], d[1]]; break;
            case "records after docRecords began": p0Docs = [d[0]]; p1Docs = [d[1], d[2]]; break;
            case "wrong feed": feed = "CN-BJ"; break;
            case "wrong seq": seq = 8; break;
            case "wrong i": index = 2; break;
            case "more records than counted": p1Records = [r[2], r[3]]; break;
            case "more docRecords than counted": p1Docs = [.. d[..4]]; break;
            case "more parts than listed": extraPart = true; break;
            case "fewer parts than listed": partCount = 1; break;
            case "fewer records than counted": p1Records = []; break;
            case "fewer docRecords than counted": p1Docs = [d[0], d[1]]; break;
        }

        var parts = new List<byte[]>
        {
            FeedPart.Encode(new PartMessage("CN-HL", 7, 0, p0Records, p0Docs)),
            FeedPart.Encode(new PartMessage(feed, seq, index, p1Records, p1Docs)),
        };
        var manifest = new ManifestMessage("CN-HL", 7, At, counts.Records, counts.Docs, [.. parts.Select(p => FeedPart.Hash(p))]);
        if (extraPart)
        {
            parts.Add(FeedPart.Encode(new PartMessage("CN-HL", 7, 2, [], [])));
        }

        var checker = new ManifestPartChecker(manifest);
        string? error = null;
        var seen = 0;
        for (var i = 0; i < Math.Min(partCount + (extraPart ? 1 : 0), parts.Count) && error is null; i++)
        {
            var decoded = FeedPart.Decode(parts[i]);
            Assert.True(decoded.Ok, decoded.Error);
            error = checker.Check(decoded.Part!, i);
            seen++;
        }

        error ??= checker.Complete(seen);

        Assert.Equal(expected, error);
        Assert.DoesNotContain("\n", error!, StringComparison.Ordinal);
        foreach (var key in r.Select(x => x.Id.ToArray()).Concat(d.Select(x => x.DocRef.ToArray())))
        {
            Assert.DoesNotContain(Convert.ToHexString(key), error!, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(key), error!, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Red", error!, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Green", error!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ACheckerThatRefusedAPartDoesNotMoveOn()
    {
        var r = Sorted(FeedCodecTests.Records(4, "CN-HL"));
        var manifest = new ManifestMessage("CN-HL", 7, At, 4, 0, [new byte[32], new byte[32]]);
        var checker = new ManifestPartChecker(manifest);
        Assert.Null(checker.Check(new PartMessage("CN-HL", 7, 0, [r[0], r[1]], []), 0));
        Assert.NotNull(checker.Check(new PartMessage("CN-HL", 7, 1, [r[1], r[2]], []), 1));
        Assert.Equal(2UL, checker.RecordsSeen);
        Assert.Null(checker.Check(new PartMessage("CN-HL", 7, 1, [r[2], r[3]], []), 1));
        Assert.Null(checker.Complete(2));
        Assert.Equal("part 3: parts must be checked in index order (expected part 2)", checker.Check(new PartMessage("CN-HL", 7, 3, [], []), 3));
    }

    private static byte[] RandomId(Random random)
    {
        var id = new byte[16];
        random.NextBytes(id);
        if (random.Next(2) == 0)
        {
            id[0] = (byte)random.Next(2) == 0 ? (byte)0x7F : (byte)0x80;
        }

        return id;
    }

    internal static ColorRecord[] Sorted(ColorRecord[] records)
    {
        var copy = (ColorRecord[])records.Clone();
        Array.Sort(copy, (a, b) => FeedKeyOrder.Compare(a, b));
        return copy;
    }

    internal static DocumentRecord[] Sorted(DocumentRecord[] records)
    {
        var copy = (DocumentRecord[])records.Clone();
        Array.Sort(copy, (a, b) => FeedKeyOrder.Compare(a, b));
        return copy;
    }

    private static byte[] BadManifest(string which)
    {
        var fields = new List<(string Key, Action<CborWriter> Value)>
        {
            ("t", x => x.WriteTextString("manifest")),
            ("feed", x => x.WriteTextString("CN-HL")),
            ("seq", x => x.WriteUInt64(5)),
            ("at", x => x.WriteInt64(1_800_000_000)),
            ("records", x =>
            {
                if (which == "records as array")
                {
                    x.WriteStartArray(0);
                    x.WriteEndArray();
                }
                else if (which == "negative count") x.WriteInt64(-1);
                else if (which == "counts no part can hold") x.WriteUInt64(2UL * FeedPart.MaxBytes);
                else x.WriteUInt64(10);
            }),
            ("docRecords", x =>
            {
                if (which == "docRecords as array")
                {
                    x.WriteStartArray(0);
                    x.WriteEndArray();
                }
                else x.WriteUInt64(10);
            }),
            ("parts", x =>
            {
                if (which == "parts not an array")
                {
                    x.WriteByteString(new byte[32]);
                    return;
                }

                if (which == "huge declared parts")
                {
                    return;
                }

                x.WriteStartArray(2);
                x.WriteByteString(new byte[32]);
                if (which == "hash as text") x.WriteTextString(new string('a', 32));
                else x.WriteByteString(new byte[which switch { "hash 31 bytes" => 31, "hash 33 bytes" => 33, _ => 32 }]);
                x.WriteEndArray();
            }),
        };
        var drop = which switch
        {
            "no records" => "records",
            "no docRecords" => "docRecords",
            "no parts" => "parts",
            "no feed" => "feed",
            "no seq" => "seq",
            "no at" => "at",
            _ => null,
        };
        fields.RemoveAll(f => f.Key == drop);
        if (which == "huge declared parts")
        {
            // map(7) { ..., parts: array(2^31-1) holding one hash }: the count is a lie.
            var items = new CborWriter(CborConformanceMode.Lax, allowMultipleRootLevelValues: true);
            foreach (var (key, value) in fields)
            {
                items.WriteTextString(key);
                value(items);
            }

            return [0xA7, .. items.Encode(), 0x9A, 0x7F, 0xFF, 0xFF, 0xFF, 0x58, 0x20, .. new byte[32]];
        }

        var w = new CborWriter(CborConformanceMode.Lax);
        w.WriteStartMap(fields.Count);
        foreach (var (key, value) in fields)
        {
            w.WriteTextString(key);
            value(w);
        }

        w.WriteEndMap();
        return w.Encode();
    }

    private static byte[] BadPart(string which)
    {
        var good = FeedPart.Encode(new PartMessage("CN-HL", 3, 0, [new ColorRecord("CN-HL", new CodeId(1, 2), HealthColor.Green, 1)], []));
        switch (which)
        {
            case "empty":
                return [];
            case "not a map":
                return [0x80];
            case "trailing bytes":
                return [.. good, 0x01];
            case "truncated":
                return good[..^3];
        }

        var fields = new List<(string Key, Action<CborWriter> Value)>
        {
            ("t", x => x.WriteTextString(which == "t snapshot" ? "snapshot" : "part")),
            ("feed", x => x.WriteTextString(which == "empty feed" ? "" : "CN-HL")),
            ("seq", x => x.WriteUInt64(3)),
            ("at", x => x.WriteInt64(1_800_000_000)),
            ("i", x =>
            {
                if (which == "negative i") x.WriteInt64(-1);
                else if (which == "text i") x.WriteTextString("0");
                else x.WriteUInt64(0);
            }),
            ("docRecords", x =>
            {
                if (which == "docRecords as count")
                {
                    x.WriteUInt64(0);
                    return;
                }

                x.WriteStartArray(1);
                x.WriteStartArray(3);
                x.WriteByteString(new byte[which == "docRef 15 bytes" ? 15 : 16]);
                x.WriteUInt32(0);
                x.WriteInt64(1);
                x.WriteEndArray();
                x.WriteEndArray();
            }),
            ("records", x =>
            {
                if (which == "records as count")
                {
                    x.WriteUInt64(1);
                    return;
                }

                if (which == "records as bytes")
                {
                    x.WriteByteString(new byte[4]);
                    return;
                }

                x.WriteStartArray(1);
                x.WriteStartArray(which == "record of 3" ? 3 : 4);
                x.WriteTextString("CN-HL");
                x.WriteByteString(new byte[16]);
                x.WriteUInt32(which == "color 3" ? 3u : 0u);
                if (which != "record of 3") x.WriteInt64(1);
                x.WriteEndArray();
                x.WriteEndArray();
            }),
        };
        var drop = which switch
        {
            "no t" => "t",
            "no feed" => "feed",
            "no seq" => "seq",
            "no i" => "i",
            "no records" => "records",
            "no docRecords" => "docRecords",
            _ => null,
        };
        fields.RemoveAll(f => f.Key == drop);
        var w = new CborWriter(CborConformanceMode.Lax);
        w.WriteStartMap(fields.Count);
        foreach (var (key, value) in fields)
        {
            w.WriteTextString(key);
            value(w);
        }

        w.WriteEndMap();
        return w.Encode();
    }
}

public sealed class FeedBatchesTests : IDisposable
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly ECDsa _authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => _authority.Dispose();

    [Fact]
    public void AChangeThatFitsStaysOneBatch()
    {
        var change = new BatchMessage("CN-HL", 12, At, FeedCodecTests.Records(1_000, "CN-HL"), FeedCodecTests.DocRecords(1_000));
        Assert.Same(change, Assert.Single(FeedBatches.Split(change)));
        var empty = new BatchMessage("CN-HL", 12, At, []);
        Assert.Same(empty, Assert.Single(FeedBatches.Split(empty)));
    }

    [Fact]
    public void ALargeChangeGoesAsConsecutiveSignedBatchesEachWithinOneMebibyte()
    {
        var records = FeedCodecTests.Records(40_000, "CN-HL", "CN-BJ");
        var docs = FeedCodecTests.DocRecords(30_000);
        var change = new BatchMessage("CN-HL", 100, At, records, docs);
        Assert.True(FeedEncoder.Sign(change, _authority).Length > FeedPart.MaxBytes);

        var batches = FeedBatches.Split(change);

        Assert.True(batches.Count >= 2);
        var kid = new byte[32];
        var readRecords = new List<ColorRecord>();
        var readDocs = new List<DocumentRecord>();
        for (var n = 0; n < batches.Count; n++)
        {
            var signed = FeedEncoder.Sign(batches[n], _authority, kid);
            Assert.True(signed.Length <= FeedPart.MaxBytes, $"batch {n}: {signed.Length} bytes");
            if (n < batches.Count - 1)
            {
                Assert.True(signed.Length > FeedPart.MaxBytes - FeedBatches.SignatureOverheadBytes - 100, $"batch {n} is only {signed.Length} bytes");
            }

            var decoded = Assert.IsType<BatchMessage>(FeedCodec.Decode(signed, _authority).Message);
            Assert.Equal(100UL + (ulong)n, decoded.Seq);
            Assert.NotNull(decoded.DocRecords);
            readRecords.AddRange(decoded.Records);
            readDocs.AddRange(decoded.DocRecords);
        }

        Assert.Equal(records, readRecords);
        Assert.Equal(docs, readDocs);
    }

    [Fact]
    public void ASplitThatWouldPassTheLargestSeqIsRefused()
    {
        var change = new BatchMessage("CN-HL", long.MaxValue, At, FeedCodecTests.Records(3_000, "CN-HL"));
        Assert.Throws<ArgumentException>(() => FeedBatches.Split(change, 4_096));
        Assert.Equal(long.MaxValue, (long)Assert.Single(FeedBatches.Split(change)).Seq);
    }
}
