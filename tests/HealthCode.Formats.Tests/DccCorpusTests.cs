using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace HealthCode.Formats.Tests;

/// <summary>
/// Conformance on the EU DCC "common" test corpus (tests/data/dgc-common, Apache-2.0) and the Spanish case with a
/// floating-point iat (tests/data/dgc-es): every EXPECTED* result that concerns a layer we share must agree with our
/// inspection of the PREFIX text against TESTCTX.CERTIFICATE at TESTCTX.VALIDATIONCLOCK. (EXPECTEDPICTUREDECODE is
/// checked in Kiosk.Service.Tests with the kiosk's image decoder.)
/// </summary>
public class DccCorpusTests(ITestOutputHelper output)
{
    // Expectations about the DCC's own payload or certificate policy, which the HCN1 format does not share.
    private static readonly Dictionary<string, string> NotApplicable = new()
    {
        ["EXPECTEDSCHEMAVALIDATION"] = "DCC JSON schema of the -260 payload",
        ["EXPECTEDVALIDJSON"] = "DCC payload converted to JSON",
        ["EXPECTEDKEYUSAGE"] = "DCC extended-key-usage OIDs of the signer certificate",
        ["EXPECTEDPICTUREDECODE"] = "checked in Kiosk.Service.Tests (image decoder)",
        ["EXPECTEDRESULTS"] = "the DCC's overall result, payload checks included",
    };

    private static readonly string[] Folders = ["dgc-common", "dgc-es"];

    /// <summary>Every corpus file as "folder/name".</summary>
    public static IEnumerable<object[]> Files() =>
        Folders.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "data", folder), "*.json")
                .Order(StringComparer.Ordinal)
                .Select(f => new object[] { $"{folder}/{Path.GetFileName(f)}" }));

    [Theory]
    [MemberData(nameof(Files))]
    public void AgreesWithExpectedResults(string file)
    {
        var (inspection, expected) = Inspect(file);
        foreach (var (key, want) in expected)
        {
            if (Check(key, inspection) is { } got)
            {
                Assert.True(want == got, $"{file}: {key} expected {want}, we say {got} ({inspection.ToJson()})");
            }
            else
            {
                Assert.True(NotApplicable.ContainsKey(key), $"{file}: {key} is neither checked nor listed as not applicable");
            }
        }
    }

    [Fact]
    public void ReportsTheCounts()
    {
        var checkedCount = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var skipped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var files = 0;
        foreach (var file in Files().Select(f => (string)f[0]))
        {
            files++;
            var (inspection, expected) = Inspect(file);
            foreach (var (key, want) in expected)
            {
                var got = Check(key, inspection);
                var bucket = got is null ? skipped : checkedCount;
                bucket[key] = bucket.GetValueOrDefault(key) + (got is null || got == want ? 1 : 0);
                if (got is { } g && g != want)
                {
                    checkedCount[key + " DISAGREE"] = checkedCount.GetValueOrDefault(key + " DISAGREE") + 1;
                }
            }

            Assert.True(inspection.Verdict is CodeVerdict.NotACode or CodeVerdict.Malformed, $"{file}: an EU DCC is never a valid health code");
        }

        output.WriteLine($"{files} corpus files; checked and agreeing: {string.Join(", ", checkedCount.Select(kv => $"{kv.Key} {kv.Value}"))}; not applicable: {string.Join(", ", skipped.Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.Equal(38 + 1, files);
        Assert.DoesNotContain(checkedCount.Keys, k => k.EndsWith("DISAGREE", StringComparison.Ordinal));
        Assert.Equal(39 + 4, checkedCount.Values.Sum()); // every checkable expectation in the corpus
    }

    [Fact]
    public void SpecificCasesSayWhy()
    {
        Assert.Contains("signature invalid for kid", Inspect("dgc-common/CO5.json").Inspection.Describe()); // 3-byte signature
        Assert.Equal(SignatureStatus.Invalid, Inspect("dgc-common/CO5.json").Inspection.Signature);
        Assert.Equal(SignatureStatus.UnknownKid, Inspect("dgc-common/CO22.json").Inspection.Signature); // protected kid wins
        Assert.Equal(SignatureStatus.Valid, Inspect("dgc-common/CO19.json").Inspection.Signature); // kid only unprotected
        Assert.Equal(SignatureStatus.Valid, Inspect("dgc-common/CO28.json").Inspection.Signature); // CWT tag 61 around tag 18
        Assert.Equal(SignatureStatus.Valid, Inspect("dgc-common/CO1.json").Inspection.Signature); // PS256, RSA 2048
        Assert.True(Inspect("dgc-common/CO16.json").Inspection.NotYetValid);
        Assert.True(Inspect("dgc-common/CO17.json").Inspection.Expired);
        Assert.Equal(1, Inspect("dgc-common/H1.json").Inspection.StoppedAtLayer);
        Assert.Equal(2, Inspect("dgc-common/B1.json").Inspection.StoppedAtLayer);
        Assert.Equal(4, Inspect("dgc-common/Z1.json").Inspection.StoppedAtLayer); // not a zlib stream, and not COSE either
        Assert.Equal(6, Inspect("dgc-common/CBO1.json").Inspection.StoppedAtLayer);
        Assert.Equal("not_a_code", JsonDocument.Parse(Inspect("dgc-common/CO28.json").Inspection.ToJson()).RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public void AFloatingPointIatIsANumericDate()
    {
        // ES 1003: iat (claim 6) is a CBOR double, exp an integer; the corpus expects it to decode and verify.
        var (inspection, _) = Inspect("dgc-es/1003.json");
        Assert.Equal(SignatureStatus.Valid, inspection.Signature);
        Assert.Equal(CodeVerdict.NotACode, inspection.Verdict);
        Assert.Equal(2021, inspection.Iat!.Value.Year);
        Assert.Equal(new DateTimeOffset(2021, 8, 31, 9, 36, 7, TimeSpan.Zero), inspection.Exp);
        Assert.False(inspection.Expired);
    }

    [Fact]
    public void AlgInTheUnprotectedHeaderVerifiesForAnEuDccButIsMalformedForAHealthCode()
    {
        // CO20: the corpus expects alg (and kid) from the unprotected header to verify; health-code.md requires a protected alg.
        var (dcc, _) = Inspect("dgc-common/CO20.json");
        Assert.Equal(SignatureStatus.Valid, dcc.Signature);

        var json = Load("dgc-common/CO20.json");
        var text = json.GetProperty("PREFIX").GetString()!;
        Assert.True(Base45.TryDecode(text.AsSpan(4), out var compressed, out _));
        var asHealthCode = HealthCodeInspector.Inspect("HCN1:" + Base45.Encode(compressed), Context(json));
        Assert.Equal(CodeVerdict.Malformed, asHealthCode.Verdict);
        Assert.Contains("protected header", asHealthCode.Error);
    }

    private static bool? Check(string key, CodeInspection inspection) => key switch
    {
        "EXPECTEDUNPREFIX" => inspection.Prefix is not null,
        "EXPECTEDB45DECODE" => inspection.Base45 == true,
        "EXPECTEDCOMPRESSION" => inspection.Zlib == true,
        "EXPECTEDDECODE" => inspection.Cose == true && inspection.Verdict != CodeVerdict.Malformed,
        "EXPECTEDVERIFY" => inspection.Signature == SignatureStatus.Valid,
        "EXPECTEDEXPIRATIONCHECK" => inspection.Expired == false && inspection.NotYetValid == false,
        _ => null,
    };

    private static (CodeInspection Inspection, List<(string Key, bool Want)> Expected) Inspect(string file)
    {
        var json = Load(file);
        var inspection = HealthCodeInspector.Inspect(json.GetProperty("PREFIX").GetString(), Context(json));
        var expected = json.GetProperty("EXPECTEDRESULTS").EnumerateObject().Select(p => (p.Name, p.Value.GetBoolean())).ToList();
        return (inspection, expected);
    }

    private static JsonElement Load(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", file))).RootElement;

    private static InspectionContext Context(JsonElement json)
    {
        var context = json.GetProperty("TESTCTX");
        var clock = DateTimeOffset.Parse(context.GetProperty("VALIDATIONCLOCK").GetString()!, CultureInfo.InvariantCulture);
        return InspectionContext.ForCertificate(Convert.FromBase64String(context.GetProperty("CERTIFICATE").GetString()!), clock);
    }
}
