using Kiosk.Core;
using Kiosk.Service.Cli;
using Kiosk.Simulation;

namespace Kiosk.Service.Tests.Simulation;

public sealed class ScenarioFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scenario-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string json, params (string Name, byte[] Bytes)[] files)
    {
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(_dir, name), bytes);
        }

        var path = Path.Combine(_dir, "scenario.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void TheSpecsExampleParsesWithRelativeFilesAndUnknownFields()
    {
        var path = Write(
            """
            { "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "AAEC",
              "trustList": "trust.json",
              "feedMessages": ["trust.cose", { "file": "batch-0002.cose", "atSeconds": 20 }],
              "visitors": [
                { "atSeconds": 0,  "qr": "HCN1:ABC", "bodyTemperatureC": 36.6, "note": "ignored" },
                { "atSeconds": 15, "qrImage": "v2.png", "bodyTemperatureC": 38.4 },
                { "atSeconds": 30, "qr": null, "assist": true },
                { "atSeconds": 45, "qr": "HCN1:DEF", "bodyTemperatureC": null, "sensorNoiseC": 0.1 } ] }
            """,
            ("trust.json", "{\"issuers\":[]}"u8.ToArray()),
            ("trust.cose", [1, 2, 3]),
            ("batch-0002.cose", [4, 5]),
            ("v2.png", TinyPng()));

        var scenario = Scenario.Load(path);

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), scenario.Start);
        Assert.Equal("CN-HL", scenario.Feed);
        Assert.Equal([0, 1, 2], scenario.AuthorityKey);
        Assert.EndsWith("trust.json", scenario.TrustListFile);
        Assert.Equal([null, 20.0], scenario.FeedMessages.Select(m => m.AtSeconds));
        Assert.Equal([4, 5], scenario.FeedMessages[1].Bytes);
        Assert.Equal(4, scenario.Visitors.Count);
        Assert.Equal("HCN1:ABC", scenario.Visitors[0].Qr);
        Assert.Equal(TinyPng(), scenario.Visitors[1].QrImage);
        Assert.False(scenario.Visitors[2].ShowsCode);
        Assert.True(scenario.Visitors[2].Assist);
        Assert.Null(scenario.Visitors[3].BodyTemperatureC);
        Assert.Equal(0.1, scenario.Visitors[3].SensorNoiseC);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "top level")]
    [InlineData("""{ "feed": "CN-HL", "authorityKey": "AA==", "visitors": [] }""", "\"start\" is required")]
    [InlineData("""{ "start": "yesterday", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [] }""", "ISO 8601")]
    [InlineData("""{ "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "%%", "visitors": [] }""", "base64")]
    [InlineData("""{ "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "AA==" }""", "\"visitors\" must be an array")]
    [InlineData("""{ "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "AA==", "feedMessages": ["missing.cose"], "visitors": [] }""", "cannot be read")]
    [InlineData("""{ "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [ { "atSeconds": -1, "qr": "x" } ] }""", "non-negative")]
    [InlineData("""{ "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [ { "qr": 5 } ] }""", "qr must be text")]
    [InlineData("""{ "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [ { "qr": "x", "bodyTemperatureC": "hot" } ] }""", "bodyTemperatureC")]
    public void BadScenariosAreOneLineInputErrors(string json, string expected)
    {
        var error = Assert.Throws<KioskInputException>(() => Scenario.Load(Write(json)));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', OneLine.Of(error.Message));
    }

    private const string Head = """ "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "AA==" """;

    [Theory]
    [InlineData("""{ "start": "June 1, 2026", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [] }""", "ISO 8601")]
    [InlineData("""{ "start": "1/6/2026", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [] }""", "ISO 8601")]
    [InlineData("""{ "start": "0001-01-01T00:00:00Z", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [] }""", "\"start\" must be between 1970-01-01T00:00:00Z and 9999-01-01T00:00:00Z")]
    [InlineData("""{ "start": "9999-12-31T23:59:59Z", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [] }""", "\"start\" must be between")]
    [InlineData("""{ "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [ { "atSeconds": 4320000, "qr": "x" } ] }""", "visitors[0].atSeconds must be a non-negative number, at most 4233600")]
    [InlineData("""{ "start": "2026-11-25T08:00:00Z", "feed": "\ud800", "authorityKey": "AA==", "visitors": [] }""", "not valid Unicode")]
    public void BadTimesAndTextAreOneLineInputErrors(string json, string expected) => BadScenariosAreOneLineInputErrors(json, expected);

    [Fact]
    public void StartInAnyIsoFormIsUtc()
    {
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), Scenario.Load(Write("""{ "start": "2026-06-01", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [] }""")).Start);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), Scenario.Load(Write("""{ "start": "2026-06-01T08:00+08:00", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [] }""")).Start);
        Assert.Equal(Scenario.LatestStart, Scenario.Load(Write("""{ "start": "9999-01-01T00:00:00Z", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [] }""")).Start);
    }

    [Fact]
    public void NonUtf8FileIsAnInputError()
    {
        var path = Path.Combine(_dir, "latin1.json");
        File.WriteAllBytes(path, [.. "{ \"start\": \"2026-11-25T08:00:00Z\", \"feed\": \""u8, 0xC9, 0x74, .. "\", \"authorityKey\": \"AA==\", \"visitors\": [] }"u8]);
        Assert.Contains("is not UTF-8 text", Assert.Throws<KioskInputException>(() => Scenario.Load(path)).Message);
    }

    private static byte[] TinyPng()
    {
        using var bitmap = new SkiaSharp.SKBitmap(4, 4);
        using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [Fact]
    public void AWrongJsonTypeOrAnImageThatDoesNotDecodeIsAnErrorBeforeTheRun()
    {
        var assist = Assert.Throws<KioskInputException>(() => Scenario.Load(Write($$"""{ {{Head}}, "visitors": [ { "qr": null, "assist": "yes" } ] }""")));
        Assert.Contains("visitors[0].assist must be true or false", assist.Message, StringComparison.Ordinal);
        Assert.False(Scenario.Load(Write($$"""{ {{Head}}, "visitors": [ { "qr": null, "assist": false } ] }""")).Visitors[0].Assist);

        var image = Assert.Throws<KioskInputException>(() => Scenario.Load(Write($$"""{ {{Head}}, "visitors": [ { "qr": "HCN1:A" }, { "qrImage": "broken.png" } ] }""", ("broken.png", "not an image"u8.ToArray()))));
        Assert.Contains("visitors[1].qrImage broken.png", image.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QrTextLongerThanAQrCodeHoldsIsAnInputError()
    {
        var error = Assert.Throws<KioskInputException>(() => Scenario.Load(Write($$"""{ {{Head}}, "visitors": [ { "qr": "HCN1:{{new string('A', 5_000_000)}}" } ] }""")));
        Assert.Contains("visitors[0].qr (5000005 characters) does not fit in a QR code", error.Message);

        // Under the absolute limit but more than the simulated phone's QR (level M) holds.
        error = Assert.Throws<KioskInputException>(() => Scenario.Load(Write($$"""{ {{Head}}, "visitors": [ { "qr": "HCN1:{{new string('A', 4000)}}" } ] }""")));
        Assert.Contains("does not fit in a QR code", error.Message);
    }

    [Fact]
    public void TrustListThatIsNotJsonIsAnInputErrorNamingIt()
    {
        var error = Assert.Throws<KioskInputException>(() => Scenario.Load(Write($$"""{ {{Head}}, "trustList": "trust.json", "visitors": [] }""", ("trust.json", "<issuers/>"u8.ToArray()))));
        Assert.Contains("trustList trust.json: Not a JSON trust list", error.Message);
    }

    /// <summary>Inputs without an end (<c>/dev/zero</c>) stop at their limit instead of filling memory.</summary>
    [Theory]
    [InlineData("scenario", "is larger than 16 MiB")]
    [InlineData("qrImage", "visitors[0].qrImage file /dev/zero is larger than 64 MiB")]
    [InlineData("feedMessage", "feedMessages[0] file /dev/zero is larger than 512 MiB")]
    public void EndlessInputsStopAtTheirLimit(string which, string expected)
    {
        var path = which switch
        {
            "scenario" => "/dev/zero",
            "qrImage" => Write($$"""{ {{Head}}, "visitors": [ { "qrImage": "/dev/zero" } ] }"""),
            _ => Write($$"""{ {{Head}}, "feedMessages": ["/dev/zero"], "visitors": [] }"""),
        };
        Assert.Contains(expected, Assert.Throws<KioskInputException>(() => Scenario.Load(path)).Message);
    }

    [Fact]
    public void MissingScenarioFileIsAnInputError() =>
        Assert.Contains("not found", Assert.Throws<KioskInputException>(() => Scenario.Load(Path.Combine(_dir, "nope.json"))).Message);

    [Fact]
    public void IdentitySpecsExampleParsesCardWithDefaultsAndIdentityMode()
    {
        var path = Write(
            """
            { "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "AAEC", "identityMode": "document",
              "visitors": [
                { "atSeconds": 0, "qr": "HCN1:...", "bodyTemperatureC": 36.6,
                  "card": { "number": "230102198001011236", "name": "王小明",
                            "birth": "19800101", "validFrom": "20200101", "validTo": "长期",
                            "atSeconds": 2, "fault": null } },
                { "atSeconds": 30, "card": { "number": "x", "name": "", "birth": "", "validFrom": "", "validTo": "", "fault": "unreadable", "flag": "J" } },
                { "atSeconds": 60, "qr": "HCN1:x", "card": null } ] }
            """);

        var scenario = Scenario.Load(path);

        Assert.Equal(Kiosk.Core.Identity.IdentityMode.Document, scenario.IdentityMode);
        var card = scenario.Visitors[0].Card!;
        Assert.Equal(("230102198001011236", "王小明", "19800101", "20200101", "长期"), (card.Number, card.Name, card.Birth, card.ValidFrom, card.ValidTo));
        Assert.Equal((2.0, ScenarioCardFault.None, ' '), (card.AtSeconds, card.Fault, card.Flag));
        Assert.False(scenario.Visitors[0].TakesCardPath);
        Assert.True(scenario.Visitors[1].TakesCardPath);
        Assert.True(scenario.Visitors[1].IsDecided);
        Assert.Equal((0.0, ScenarioCardFault.Unreadable, 'J'), (scenario.Visitors[1].Card!.AtSeconds, scenario.Visitors[1].Card!.Fault, scenario.Visitors[1].Card!.Flag));
        Assert.Null(scenario.Visitors[2].Card);
        Assert.Equal("ScenarioCard(redacted)", card.ToString());
    }

    [Fact]
    public void IdentityModeDefaultsToNone() =>
        Assert.Equal(
            Kiosk.Core.Identity.IdentityMode.None,
            Scenario.Load(Write("""{ "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [] }""")).IdentityMode);

    [Theory]
    [InlineData("""{ "identityMode": "strict" }""", "\"identityMode\" must be")]
    [InlineData("""{ "identityMode": 1 }""", "\"identityMode\" must be")]
    [InlineData("""{ "card": "230102198001011236" }""", "visitors[0].card must be an object")]
    [InlineData("""{ "card": { "name": "王小明", "birth": "19800101", "validFrom": "20200101", "validTo": "长期" } }""", "visitors[0].card.number is required")]
    [InlineData("""{ "card": { "number": 230102198001011236, "name": "王小明", "birth": "19800101", "validFrom": "20200101", "validTo": "长期" } }""", "card.number is required")]
    [InlineData("""{ "card": { "number": "2301021980010112360", "name": "王小明", "birth": "19800101", "validFrom": "20200101", "validTo": "长期" } }""", "at most 18 characters")]
    [InlineData("""{ "card": { "number": "230102198001011236", "name": "王小明王小明王小明王小明王小明王", "birth": "19800101", "validFrom": "20200101", "validTo": "长期" } }""", "card.name is required (text of at most 15")]
    [InlineData("""{ "card": { "number": "230102198001011236", "name": "王小明", "birth": "19800101", "validFrom": "20200101" } }""", "card.validTo is required")]
    [InlineData("""{ "card": { "number": "230102198001011236", "name": "王小明", "birth": "19800101", "validFrom": "20200101", "validTo": "长期", "atSeconds": -2 } }""", "card.atSeconds must be a non-negative number")]
    [InlineData("""{ "card": { "number": "230102198001011236", "name": "王小明", "birth": "19800101", "validFrom": "20200101", "validTo": "长期", "fault": "broken" } }""", "card.fault must be null or \"unreadable\"")]
    [InlineData("""{ "card": { "number": "230102198001011236", "name": "王小明", "birth": "19800101", "validFrom": "20200101", "validTo": "长期", "flag": "IJ" } }""", "card.flag must be one character")]
    public void BadCardsAndModesAreOneLineInputErrorsThatNeverEchoTheCard(string fields, string expected)
    {
        var extra = fields.Trim()[1..^1].Trim();
        var json = extra.StartsWith("\"identityMode\"", StringComparison.Ordinal)
            ? $$"""{ "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "AA==", {{extra}}, "visitors": [] }"""
            : $$"""{ "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [ { "qr": null, {{extra}} } ] }""";
        var error = Assert.Throws<KioskInputException>(() => Scenario.Load(Write(json)));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', OneLine.Of(error.Message));
        Assert.DoesNotContain("230102", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("王", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWithABadCardIsOneLineErrorAndExitCode2()
    {
        var path = Write("""{ "start": "2026-11-25T08:00:00Z", "feed": "CN-HL", "authorityKey": "AA==", "visitors": [ { "card": { "number": "230102198001011236" } } ] }""");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await KioskCli.RunAsync(["run", "--simulate", "--scenario", path], stdout, stderr, CancellationToken.None);
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("visitors[0].card.name", line, StringComparison.Ordinal);
    }
}
