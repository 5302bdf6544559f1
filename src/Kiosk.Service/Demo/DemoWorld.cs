using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Drivers.QrDecoding;

namespace Kiosk.Service.Demo;

/// <summary>One visitor of the demo and the outcome the policy demands for it.</summary>
/// <param name="AtSeconds">When the visitor steps up.</param>
/// <param name="Json">The visitor's entry in the scenario file.</param>
/// <param name="Expected">The reason the policy demands, or "-" when no code is shown.</param>
/// <param name="Story">One line for the result table.</param>
/// <param name="Qr">The QR text the visitor shows, if any.</param>
/// <param name="Claim">The health-code claim inside it (holder's masked name, code id, color), if it carries one.</param>
public sealed record DemoVisitor(double AtSeconds, JsonObject Json, string Expected, string Story, string? Qr = null, HealthCodeClaim? Claim = null);

/// <summary>
/// Makes everything the demo needs with fresh keys: an authority key, issuer keys of two regions (CN-HL with
/// ES256, CN-BJ with PS256: cross-region recognition), a rogue key, codes for every rule of the policy, a signed
/// trust list, a snapshot, a heartbeat and a batch from a clock ahead of the kiosk's, and the scenario file.
/// </summary>
public static class DemoWorld
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private const string Feed = "CN-HL";

    /// <summary>Writes the scenario and its files into <paramref name="directory"/>; returns the scenario path and the visitors.</summary>
    public static (string ScenarioPath, IReadOnlyList<DemoVisitor> Visitors) Create(string directory)
    {
        Directory.CreateDirectory(directory);
        using var authority = SigningKey.CreateEs256();
        using var heilongjiang = SigningKey.CreateEs256();
        using var beijing = SigningKey.CreatePs256();
        using var rogue = SigningKey.CreateEs256();
        var notBefore = Start.AddDays(-30);
        var notAfter = Start.AddDays(365);

        // The signed trust list: two regions' keys in one list.
        var trust = new TrustList([heilongjiang.ToTrustedIssuer("CN-HL", notBefore, notAfter), beijing.ToTrustedIssuer("CN-BJ", notBefore, notAfter)]);
        var authorityKey = (ECDsa)authority.Key;
        Write(directory, "trust.cose", FeedEncoder.Sign(new TrustMessage(Start.AddHours(-1), trust), authorityKey, authority.Kid));

        var hl = new HealthCodeIssuer(heilongjiang);
        var bj = new HealthCodeIssuer(beijing);
        var rogueIssuer = new HealthCodeIssuer(rogue);
        var issuedAt = Start.AddMinutes(-10);
        var expires = Start.AddDays(1);
        var colorTime = Start.AddDays(-3).ToUnixTimeSeconds();

        (string Text, HealthCodeClaim Claim) Code(HealthCodeIssuer issuer, string iss, DateTimeOffset iat, DateTimeOffset exp, HealthCodeClaim claim) =>
            (issuer.Issue(iss, iat, exp, claim), claim);

        HealthCodeClaim Claim(string name, HealthColor color = HealthColor.Green, long? ct = null, bool proxy = false) =>
            new(CodeId.FromBytes(RandomNumberGenerator.GetBytes(CodeId.Length)), color, ct ?? colorTime, name, proxy);

        var yellowInBackend = Claim("刘*华");
        var snapshotRecords = new List<ColorRecord>
        {
            // The backend turned this holder yellow an hour ago, after the code's green was issued.
            new("CN-HL", yellowInBackend.Id, HealthColor.Yellow, Start.AddHours(-1).ToUnixTimeSeconds()),
        };
        for (var i = 0; i < 1000; i++)
        {
            snapshotRecords.Add(new ColorRecord("CN-HL", CodeId.FromBytes(RandomNumberGenerator.GetBytes(CodeId.Length)), (HealthColor)(i % 3), colorTime));
        }

        // Provisioned 30 hours ago: stale until the heartbeat arrives.
        Write(directory, "snapshot.cose", FeedEncoder.Sign(new SnapshotMessage(Feed, 1, Start.AddHours(-30), snapshotRecords), authorityKey, authority.Kid));
        Write(directory, "heartbeat-0001.cose", FeedEncoder.Sign(new HeartbeatMessage(Feed, 1, Start.AddSeconds(15)), authorityKey, authority.Kid));

        // A batch signed by an authority whose clock is 6 minutes ahead of the kiosk's: the kiosk's clock is behind.
        Write(directory, "batch-0002.cose", FeedEncoder.Sign(new BatchMessage(Feed, 2, Start.AddMinutes(6), []), authorityKey, authority.Kid));

        var proxyClaim = Claim("张*", proxy: true);
        var proxyCode = hl.Issue("CN-HL", issuedAt, expires, proxyClaim);
        Write(directory, "visitor-proxy.png", QrPng.Render(proxyCode, scale: 6));

        var validClaim = Claim("王*明");
        var valid = hl.Issue("CN-HL", issuedAt, expires, validClaim);
        var visitors = new List<DemoVisitor>
        {
            Visitor(0, (valid, validClaim), 36.6, "color_data_stale", "arrives before the feed's heartbeat: the 30 h old snapshot is stale"),
            Visitor(20, (valid, validClaim), 36.6, "ok", "green code, normal temperature (same code again: decided again)"),
            Visitor(30, Code(bj, "CN-BJ", issuedAt, expires, Claim("赵*")), 36.4, "ok", "CN-BJ code, PS256: recognised across regions"),
            Visitor(40, Code(hl, "CN-HL", issuedAt, expires, Claim("孙*丽")), 38.9, "temperature_high", "fever on the reading and on the retest"),
            Visitor(50, Code(hl, "CN-HL", issuedAt, expires, Claim("周*")), null, "temperature_unavailable", "shows a code but never steps to the sensor"),
            Visitor(60, Code(hl, "CN-HL", issuedAt, expires, Claim("吴*强", HealthColor.Red)), 36.6, "health_status", "the code itself is not green"),
            Visitor(70, Code(hl, "CN-HL", issuedAt, expires, yellowInBackend), 36.6, "health_status", "green code, but the backend's newer record is not"),
            Visitor(80, Code(hl, "CN-HL", Start.AddDays(-10), Start.AddDays(-1), Claim("郑*")), 36.6, "code_expired", "a screenshot of yesterday's code"),
            Visitor(90, Code(hl, "CN-HL", Start.AddDays(1), Start.AddDays(2), Claim("冯*")), 36.6, "code_not_yet_valid", "issued tomorrow"),
            Visitor(100, ("https://example.org/menu", null), 36.6, "code_unrecognized", "a restaurant menu QR"),
            Visitor(110, Code(rogueIssuer, "CN-HL", issuedAt, expires, Claim("陈*")), 36.6, "code_invalid", "signed by a key nobody trusts"),
            Visitor(120, ("HCN1:6BF.Q$%%%%%", null), 36.6, "code_invalid", "a damaged code"),
            new(130, new JsonObject { ["atSeconds"] = 130, ["qr"] = null, ["assist"] = true }, "-", "no code: presses the assist button"),
            new(140, new JsonObject { ["atSeconds"] = 140, ["qrImage"] = "visitor-proxy.png", ["bodyTemperatureC"] = 36.5 }, "ok", "code registered on an elder's behalf (代), shown as an image", proxyCode, proxyClaim),
            Visitor(210, (valid, validClaim), 36.6, "clock_fault", "after a feed message signed 6 minutes in the kiosk's future"),
            Visitor(250, (valid, validClaim), 36.7, "ok", "the kiosk's clock has caught up"),
        };

        var scenario = new JsonObject
        {
            ["start"] = Start.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["feed"] = Feed,
            ["authorityKey"] = Convert.ToBase64String(authority.SubjectPublicKeyInfo),
            ["feedMessages"] = new JsonArray(
                "trust.cose",
                "snapshot.cose",
                new JsonObject { ["file"] = "heartbeat-0001.cose", ["atSeconds"] = 15 },
                new JsonObject { ["file"] = "batch-0002.cose", ["atSeconds"] = 200 }),
            ["visitors"] = new JsonArray(visitors.Select(v => (JsonNode)v.Json).ToArray()),
        };
        var path = Path.Combine(directory, "scenario.json");
        File.WriteAllText(path, scenario.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return (path, visitors);
    }

    private static DemoVisitor Visitor(double at, (string Text, HealthCodeClaim? Claim) code, double? temperature, string expected, string story) =>
        new(at, new JsonObject { ["atSeconds"] = at, ["qr"] = code.Text, ["bodyTemperatureC"] = temperature }, expected, story, code.Text, code.Claim);

    private static void Write(string directory, string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(directory, name), bytes);
}
