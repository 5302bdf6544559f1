using Kiosk.Service.Cli;
using Kiosk.Service.Simulation;

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
    public void TheSpecsExample_Parses_WithRelativeFilesAndUnknownFields()
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
            ("v2.png", [9]));

        var scenario = Scenario.Load(path);

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), scenario.Start);
        Assert.Equal("CN-HL", scenario.Feed);
        Assert.Equal([0, 1, 2], scenario.AuthorityKey);
        Assert.EndsWith("trust.json", scenario.TrustListFile);
        Assert.Equal([null, 20.0], scenario.FeedMessages.Select(m => m.AtSeconds));
        Assert.Equal([4, 5], scenario.FeedMessages[1].Bytes);
        Assert.Equal(4, scenario.Visitors.Count);
        Assert.Equal("HCN1:ABC", scenario.Visitors[0].Qr);
        Assert.Equal([9], scenario.Visitors[1].QrImage);
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
    public void BadScenarios_AreOneLineInputErrors(string json, string expected)
    {
        var error = Assert.Throws<CliInputException>(() => Scenario.Load(Write(json)));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', KioskCli.OneLine(error.Message));
    }

    [Fact]
    public void MissingScenarioFile_IsAnInputError() =>
        Assert.Contains("not found", Assert.Throws<CliInputException>(() => Scenario.Load(Path.Combine(_dir, "nope.json"))).Message);
}
