using System.Security.Cryptography;
using System.Text.Json;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using HealthCode.Formats.Identity;

namespace HealthCode.Authority.Tests;

using static AuthorityRun;

/// <summary>The ID-card side of <c>hc-authority</c>, run in-process through its parser; what it writes is read back with the kiosk's readers.</summary>
public sealed class CardCommandsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("authority-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private async Task<byte[]> DocKey()
    {
        await Ok("card", "key", "--out", PathOf("doc.key"));
        return Convert.FromBase64String(File.ReadAllText(PathOf("doc.key")).Trim());
    }

    [Fact]
    public async Task CardKeyMakes32PrivateBytesAndNeverOverwritesThem()
    {
        var key = await DocKey();
        Assert.Equal(32, key.Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PathOf("doc.key")));
        }

        await InputError("refusing to overwrite", "card", "key", "--out", PathOf("doc.key"));
        Assert.Equal(key, Convert.FromBase64String(File.ReadAllText(PathOf("doc.key")).Trim()));
    }

    [Fact]
    public async Task CardMakeGivesValidNumbersOfTheBirthDate()
    {
        var numbers = (await Ok("card", "make", "--birth", "1980-01-01", "--count", "20", "--sequence", "100")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, numbers.Length);
        Assert.Equal(20, numbers.Distinct().Count());
        foreach (var number in numbers)
        {
            Assert.True(ResidentIdCard.Check(number, "19800101", ' ', "20200101", "长期", Now).Valid, number);
            Assert.StartsWith("23010219800101", number);
        }

        var wrong = (await Ok("card", "make", "--birth", "19800101", "--wrong-check")).Trim();
        Assert.False(ResidentIdCard.IsValidNumber(wrong));
        Assert.True(ResidentIdCard.IsValidNumber(wrong[..17] + (await Ok("card", "make", "--birth", "19800101")).Trim()[17]));

        var json = JsonDocument.Parse(await Ok("card", "make", "--birth", "1990-02-28", "--json", "--name", "欧阳小明", "--valid-to", "2030-02-28")).RootElement;
        var card = ResidentIdCard.Check(json.GetProperty("number").GetString(), json.GetProperty("birth").GetString(), ' ',
            json.GetProperty("validFrom").GetString(), json.GetProperty("validTo").GetString(), Now);
        Assert.True(card.Valid);
        Assert.Equal("欧阳小明", json.GetProperty("name").GetString());
        Assert.Equal("20300228", json.GetProperty("validTo").GetString());

        await InputError("--birth", "card", "make", "--birth", "1980-02-30");
        await InputError("--area", "card", "make", "--birth", "19800101", "--area", "12345");
        await InputError("000..999", "card", "make", "--birth", "19800101", "--sequence", "990", "--count", "20");
    }

    [Fact]
    public async Task CardRefIsTheDocrefOfIdentityMd()
    {
        var key = await DocKey();
        var printed = (await Ok("card", "ref", "11010519491231002x", "--doc-key", PathOf("doc.key"))).Trim();
        Assert.Equal(Convert.ToHexStringLower(DocRef.Compute(key, "11010519491231002X").ToArray()), printed);
        await InputError("not a valid citizen number", "card", "ref", "110105194912310021", "--doc-key", PathOf("doc.key"));
        File.WriteAllText(PathOf("short.key"), Convert.ToBase64String(new byte[16]));
        await InputError("not 32", "card", "ref", "11010519491231002X", "--doc-key", PathOf("short.key"));
    }

    [Fact]
    public async Task CodesCarryTheHoldersCardAndTrustListsAndTrustMessagesCarryTheDocKey()
    {
        var docKey = await DocKey();
        await Ok("key", "create", "--name", "issuer", "--out", _dir);
        await Ok("trust", "build", "--issuer", $"CN-HL={PathOf("issuer.pub")}", "--not-before", "2026-01-01T00:00:00Z", "--not-after", "2027-01-01T00:00:00Z",
            "--doc-key", PathOf("doc.key"), "--out", PathOf("trust.json"));
        var trust = TrustListFormat.FromJson(File.ReadAllText(PathOf("trust.json")));
        Assert.Equal(docKey, trust.DocKey);

        var number = (await Ok("card", "make", "--birth", "19800101")).Trim();
        var code = (await Ok("code", "issue", "--key", PathOf("issuer.key.pem"), "--iss", "CN-HL", "--iat", "2026-11-25T07:59:00Z",
            "--card", number, "--doc-key", PathOf("doc.key"))).Trim();
        var verified = HealthCodeVerifier.Verify(code, trust, Now);
        Assert.Equal(CodeVerdict.Valid, verified.Verdict);
        Assert.Equal(trust.DocRefOf(number), verified.Claim!.Document);

        var hex = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        code = (await Ok("code", "issue", "--key", PathOf("issuer.key.pem"), "--iss", "CN-HL", "--iat", "2026-11-25T07:59:00Z", "--doc-ref", hex)).Trim();
        Assert.Equal(hex, Convert.ToHexString(HealthCodeVerifier.Verify(code, trust, Now).Claim!.Document!.Value.ToArray()));
        code = (await Ok("code", "issue", "--key", PathOf("issuer.key.pem"), "--iss", "CN-HL", "--iat", "2026-11-25T07:59:00Z")).Trim();
        Assert.Null(HealthCodeVerifier.Verify(code, trust, Now).Claim!.Document);

        string[] issue = ["code", "issue", "--key", PathOf("issuer.key.pem"), "--iss", "CN-HL"];
        await InputError("--card needs --doc-key", [.. issue, "--card", number]);
        await InputError("not both", [.. issue, "--card", number, "--doc-ref", hex]);
        await InputError("not a valid citizen number", [.. issue, "--card", number[..17] + (number[17] == '0' ? '1' : '0'), "--doc-key", PathOf("doc.key")]);
        await InputError("32 hex digits", [.. issue, "--doc-ref", "abcd"]);

        using var authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(PathOf("authority.pem"), authority.ExportPkcs8PrivateKeyPem());
        await Ok("feed", "trust", "--key", PathOf("authority.pem"), "--trust", PathOf("trust.json"), "--at", "2026-11-25T07:00:00Z", "--out", PathOf("trust.cose"));
        var message = Assert.IsType<TrustMessage>(FeedCodec.Decode(File.ReadAllBytes(PathOf("trust.cose")), authority).Message);
        Assert.Equal(docKey, message.Trust.DocKey);

        File.WriteAllText(PathOf("other.key"), Convert.ToBase64String(new byte[32]));
        await Ok("feed", "trust", "--key", PathOf("authority.pem"), "--trust", PathOf("trust.json"), "--doc-key", PathOf("other.key"), "--out", PathOf("trust2.cose"));
        Assert.Equal(new byte[32], Assert.IsType<TrustMessage>(FeedCodec.Decode(File.ReadAllBytes(PathOf("trust2.cose")), authority).Message).Trust.DocKey);
    }

    [Fact]
    public async Task SnapshotsAndBatchesCarryDocRecordsHashedFromCardNumbers()
    {
        var docKey = await DocKey();
        using var authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(PathOf("authority.pem"), authority.ExportPkcs8PrivateKeyPem());
        var numbers = (await Ok("card", "make", "--birth", "19800101", "--count", "3")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        File.WriteAllText(PathOf("cards.csv"), $"number,color,ct\n{numbers[0]},green,1800000000\n# a comment\n{numbers[1]},2,1800000001\n");
        File.WriteAllText(PathOf("cards.json"), $$"""[{"number":"{{numbers[2].ToLowerInvariant()}}","color":"yellow","ct":1800000002}]""");

        var output = await Ok("feed", "snapshot", "--key", PathOf("authority.pem"), "--feed", "CN-HL", "--seq", "1", "--at", "1800000100",
            "--random", "5", "--doc-records", PathOf("cards.csv"), "--doc-key", PathOf("doc.key"), "--out", PathOf("s.cose"));
        Assert.Contains("5 records, 2 document records", output);
        var bytes = File.ReadAllBytes(PathOf("s.cose"));
        var snapshot = Assert.IsType<SnapshotMessage>(FeedCodec.Decode(bytes, authority).Message);
        Assert.Equal(5, snapshot.Records.Count);
        Assert.Equal(
            [new DocumentRecord(DocRef.Compute(docKey, numbers[0]), HealthColor.Green, 1_800_000_000), new DocumentRecord(DocRef.Compute(docKey, numbers[1]), HealthColor.Red, 1_800_000_001)],
            snapshot.DocRecords);
        Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(numbers[0][..14]))); // no card number travels

        await Ok("feed", "batch", "--key", PathOf("authority.pem"), "--feed", "CN-HL", "--seq", "2", "--at", "1800000200",
            "--doc-records", PathOf("cards.json"), "--doc-key", PathOf("doc.key"), "--out", PathOf("b.cose"));
        var batch = Assert.IsType<BatchMessage>(FeedCodec.Decode(File.ReadAllBytes(PathOf("b.cose")), authority).Message);
        Assert.Empty(batch.Records);
        Assert.Equal([new DocumentRecord(DocRef.Compute(docKey, numbers[2]), HealthColor.Yellow, 1_800_000_002)], batch.DocRecords);

        string[] snap = ["feed", "snapshot", "--key", PathOf("authority.pem"), "--feed", "CN-HL", "--seq", "3", "--out", PathOf("x.cose")];
        await InputError("needs --doc-key", [.. snap, "--doc-records", PathOf("cards.csv")]);
        File.WriteAllText(PathOf("bad.csv"), $"{numbers[0]},purple,1\n");
        await InputError("bad.csv:1: color", [.. snap, "--doc-records", PathOf("bad.csv"), "--doc-key", PathOf("doc.key")]);
        File.WriteAllText(PathOf("bad.csv"), $"{numbers[0][..17]}?,0,1\n");
        await InputError("bad.csv:1: the number is not a valid citizen number", [.. snap, "--doc-records", PathOf("bad.csv"), "--doc-key", PathOf("doc.key")]);
        File.WriteAllText(PathOf("bad.json"), """[{"number":1}]""");
        await InputError("bad.json[0]: expected", [.. snap, "--doc-records", PathOf("bad.json"), "--doc-key", PathOf("doc.key")]);
        Assert.False(File.Exists(PathOf("x.cose")));
    }
}
