using System.Security.Cryptography;
using HealthCode.Formats;
using HealthCode.Formats.Feed;

namespace HealthCode.Authority.Tests;

using static AuthorityRun;

/// <summary><c>hc-authority feed manifest</c> and the split of large batches; what the tool writes is read back with the kiosk's readers.</summary>
public sealed class ManifestCommandTests : IDisposable
{
    private const string At = "1800000000";
    private readonly string _dir = Directory.CreateTempSubdirectory("authority-manifest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    internal static async Task<ECDsa> NewAuthorityKey(string path)
    {
        var publicKey = (await Ok("feed", "new-key", "--out", path)).Trim();
        return AuthorityKey.FromBase64Spki(publicKey);
    }

    /// <summary>Reads a manifest folder as the kiosk's import does: the signed manifest, then each part checked against it.</summary>
    internal static (ManifestMessage Manifest, List<ColorRecord> Records, List<DocumentRecord> Docs, List<int> PartSizes) ReadFolder(string folder, ECDsa authority)
    {
        var decoded = FeedCodec.Decode(File.ReadAllBytes(Path.Combine(folder, "manifest.cose")), authority);
        var manifest = Assert.IsType<ManifestMessage>(decoded.Message);
        var checker = new ManifestPartChecker(manifest);
        var records = new List<ColorRecord>();
        var docs = new List<DocumentRecord>();
        var sizes = new List<int>();
        for (var i = 0; i < manifest.PartHashes.Count; i++)
        {
            var bytes = File.ReadAllBytes(Path.Combine(folder, $"part-{i}.cbor"));
            Assert.True(bytes.Length <= FeedPart.MaxBytes);
            Assert.True(FeedPart.Matches(bytes, manifest.PartHashes[i]), $"part {i} hash");
            var part = FeedPart.Decode(bytes);
            Assert.True(part.Ok, part.Error);
            Assert.Null(checker.Check(part.Part!, i));
            records.AddRange(part.Part!.Records);
            docs.AddRange(part.Part.DocRecords);
            sizes.Add(bytes.Length);
        }

        Assert.Null(checker.Complete(manifest.PartHashes.Count));
        Assert.False(File.Exists(Path.Combine(folder, $"part-{manifest.PartHashes.Count}.cbor")));
        return (manifest, records, docs, sizes);
    }

    [Fact]
    public async Task AManifestFromCsvFilesIsSortedWithRepeatsMergedAndEveryPartChecks()
    {
        using var authority = await NewAuthorityKey(PathOf("auth.pem"));
        var random = new Random(3);
        var lines = new List<string> { "issuer,id,color,ct" };
        var ids = new List<string>();
        for (var i = 0; i < 3_000; i++)
        {
            var id = Convert.ToHexString(RandomBytes(random, 16));
            ids.Add(id);
            lines.Add($"{(i % 3 == 0 ? "CN-JL" : "CN-HL")},{id},{i % 3},{1_700_000_000 + i}");
        }

        // A repeat of the first record with a later ct and one with an earlier ct: the later one wins.
        lines.Add($"CN-HL,{ids[1]},2,1800000000");
        lines.Add($"CN-HL,{ids[2]},2,1");
        await File.WriteAllLinesAsync(PathOf("codes.csv"), lines);
        await Ok("card", "key", "--out", PathOf("doc.key"));
        var cards = (await Ok("card", "make", "--birth", "1980-01-01", "--count", "40")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await File.WriteAllLinesAsync(PathOf("cards.csv"), cards.Select((number, i) => $"{number},{i % 3},{1_700_000_000 + i}"));

        var output = await Ok("feed", "manifest", "--key", PathOf("auth.pem"), "--feed", "CN-HL", "--seq", "9", "--at", At,
            "--records", PathOf("codes.csv"), "--doc-records", PathOf("cards.csv"), "--doc-key", PathOf("doc.key"), "--out", PathOf("m"));

        Assert.Contains("manifest CN-HL seq 9: 3000 records, 40 document records, 1 parts", output);
        var (manifest, records, docs, _) = ReadFolder(PathOf("m"), authority);
        Assert.Equal((9UL, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)), (manifest.Seq, manifest.At));
        Assert.Equal(3_000, records.Count);
        Assert.Equal(40, docs.Count);
        var byId = records.ToDictionary(r => Convert.ToHexString(r.Id.ToArray()));
        Assert.Equal((HealthColor.Red, 1_800_000_000L), (byId[ids[1]].Color, byId[ids[1]].ColorTime));
        Assert.Equal((HealthColor.Red, 1_700_000_002L), (byId[ids[2]].Color, byId[ids[2]].ColorTime));
    }

    [Fact]
    public async Task RandomProvincesStreamInOrderSplitIntoFullPartsAndRepeatFromTheirSeed()
    {
        using var authority = await NewAuthorityKey(PathOf("auth.pem"));
        string[] Args(string folder, string seed) =>
            ["feed", "manifest", "--key", PathOf("auth.pem"), "--feed", "CN-HL", "--seq", "12", "--at", At,
             "--random", "20000", "--random-doc", "60000", "--seed", seed, "--issuer", "CN-HL", "CN-JL", "--out", PathOf(folder)];

        await Ok(Args("a", "7"));
        await Ok(Args("b", "7"));
        await Ok(Args("c", "8"));

        var (a, records, docs, sizes) = ReadFolder(PathOf("a"), authority);
        Assert.Equal((20_000UL, 60_000UL), (a.RecordCount, a.DocRecordCount));
        Assert.Equal((20_000, 60_000), (records.Count, docs.Count));
        Assert.True(sizes.Count >= 2, $"{sizes.Count} parts");
        Assert.All(sizes.SkipLast(1), size => Assert.InRange(size, FeedPart.MaxBytes - 64, FeedPart.MaxBytes));
        Assert.Equal(["CN-HL", "CN-JL"], records.Select(r => r.Issuer).Distinct().Order());
        Assert.Equal(3, records.Select(r => r.Color).Distinct().Count());

        var b = ReadFolder(PathOf("b"), authority).Manifest;
        var c = ReadFolder(PathOf("c"), authority).Manifest;
        Assert.Equal(a.PartHashes, b.PartHashes);
        Assert.NotEqual(a.PartHashes[0], c.PartHashes[0]);
    }

    [Fact]
    public async Task AnEmptyProvinceIsAManifestWithoutParts()
    {
        using var authority = await NewAuthorityKey(PathOf("auth.pem"));
        await Ok("feed", "manifest", "--key", PathOf("auth.pem"), "--feed", "CN-HL", "--seq", "3", "--random", "0", "--out", PathOf("m"));
        var (manifest, _, _, _) = ReadFolder(PathOf("m"), authority);
        Assert.Empty(manifest.PartHashes);
        Assert.Equal((0UL, 0UL), (manifest.RecordCount, manifest.DocRecordCount));
    }

    [Fact]
    public async Task ManifestInputErrorsAreOneLine()
    {
        await NewAuthorityKey(PathOf("auth.pem"));
        string[] Base(string folder) => ["feed", "manifest", "--key", PathOf("auth.pem"), "--feed", "CN-HL", "--seq", "3", "--out", PathOf(folder)];
        await File.WriteAllTextAsync(PathOf("codes.csv"), "CN-HL,00112233445566778899aabbccddeeff,0,1\n");

        await InputError("give --records CSV", Base("m"));
        await InputError("not both", [.. Base("m"), "--random", "5", "--records", PathOf("codes.csv")]);
        await InputError("count of 0 or more", [.. Base("m"), "--random-doc", "-1"]);
        await InputError("needs --doc-key", [.. Base("m"), "--doc-records", PathOf("codes.csv")]);
        await File.WriteAllTextAsync(PathOf("bad.csv"), "CN-HL,00\n");
        await InputError("expected issuer,id,color,ct", [.. Base("m"), "--records", PathOf("bad.csv")]);

        await Ok([.. Base("m"), "--random", "5"]);
        await InputError("already holds a manifest", [.. Base("m"), "--random", "5"]);
    }

    [Fact]
    public async Task ABatchOverOneMebibyteGoesAsConsecutiveSignedBatchesOfAtMostOneMebibyte()
    {
        using var authority = await NewAuthorityKey(PathOf("auth.pem"));
        var output = await Ok("feed", "batch", "--key", PathOf("auth.pem"), "--feed", "CN-HL", "--seq", "10", "--at", At, "--random", "80000", "--out", PathOf("b.cose"));

        Assert.False(File.Exists(PathOf("b.cose")));
        var files = Directory.GetFiles(_dir, "b-*.cose").Order(StringComparer.Ordinal).ToArray();
        Assert.True(files.Length >= 2, output);
        var total = 0;
        for (var n = 0; n < files.Length; n++)
        {
            var bytes = await File.ReadAllBytesAsync(PathOf($"b-{10 + n}.cose"));
            Assert.True(bytes.Length <= FeedPart.MaxBytes, $"{bytes.Length} bytes");
            var batch = Assert.IsType<BatchMessage>(FeedCodec.Decode(bytes, authority).Message);
            Assert.Equal(10UL + (ulong)n, batch.Seq);
            total += batch.Records.Count;
            Assert.Contains($"batch CN-HL seq {10 + n}: {batch.Records.Count} records", output);
        }

        Assert.Equal(80_000, total);

        await Ok("feed", "batch", "--key", PathOf("auth.pem"), "--feed", "CN-HL", "--seq", "20", "--random", "10", "--out", PathOf("small.cose"));
        Assert.Equal(20UL, Assert.IsType<BatchMessage>(FeedCodec.Decode(await File.ReadAllBytesAsync(PathOf("small.cose")), authority).Message).Seq);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
