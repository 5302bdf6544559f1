using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using HealthCode.Formats.Identity;
using Kiosk.Drivers.QrDecoding;

namespace Kiosk.Simulation.Demo;

/// <summary>
/// Makes everything the demo needs with fresh keys: an authority key, issuer keys of two regions (CN-HL with
/// ES256, CN-BJ with PS256: cross-region recognition), a rogue key, a docKey, codes for every rule of the policy
/// (with the holder's docRef), made-up ID cards, a signed trust list, a snapshot with code and document records, a
/// heartbeat and a batch from a clock ahead of the kiosk's, and the scenario file. The demo site confirms codes with
/// the holder's card (identity mode <c>document</c>) and lets visitors without a code use their card.
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

        // The signed trust list: two regions' keys in one list, and the national docKey of ID cards.
        var docKey = RandomNumberGenerator.GetBytes(DocRef.KeyLength);
        var trust = new TrustList([heilongjiang.ToTrustedIssuer("CN-HL", notBefore, notAfter), beijing.ToTrustedIssuer("CN-BJ", notBefore, notAfter)], docKey: docKey);
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

        HealthCodeClaim Claim(string name, HealthColor color = HealthColor.Green, long? ct = null, bool proxy = false, DemoCard? holder = null) =>
            new(CodeId.FromBytes(RandomNumberGenerator.GetBytes(CodeId.Length)), color, ct ?? colorTime, name, proxy, holder is null ? null : DocRef.Compute(docKey, holder.Number));

        // The holders' cards (made-up numbers with valid check characters) and the visitors who come with a card only.
        var wang = DemoCard.Of("王小明", new DateOnly(1980, 1, 1), 123);
        var zhao = DemoCard.Of("赵敏", new DateOnly(1975, 6, 30), 228, "110105");
        var sun = DemoCard.Of("孙小丽", new DateOnly(1990, 3, 15), 442);
        var zhou = DemoCard.Of("周杰", new DateOnly(1988, 12, 1), 517);
        var zhang = DemoCard.Of("张桂兰", new DateOnly(1941, 2, 2), 628);
        var li = DemoCard.Of("李雷", new DateOnly(1995, 7, 7), 731);
        var han = DemoCard.Of("韩梅梅", new DateOnly(1996, 8, 8), 842);
        var ma = DemoCard.Of("马丽", new DateOnly(1979, 10, 10), 958);
        var ouyang = DemoCard.Of("欧阳小华", new DateOnly(2001, 4, 1), 161);
        var gao = DemoCard.Of("高飞", new DateOnly(1966, 9, 9), 275);
        var badCheck = DemoCard.Of("何伟", new DateOnly(1985, 5, 5), 381);
        badCheck = badCheck with { Number = badCheck.Number[..17] + (badCheck.Number[17] == '1' ? '2' : '1') };
        var expired = DemoCard.Of("罗静", new DateOnly(1970, 11, 11), 494) with { ValidTo = "20261001" };

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

        // People known by card: a green record for one visitor without a code (none for another: no_record).
        var documentRecords = new List<DocumentRecord> { new(DocRef.Compute(docKey, ouyang.Number), HealthColor.Green, colorTime) };
        for (var i = 0; i < 100; i++)
        {
            documentRecords.Add(new DocumentRecord(DocRef.FromBytes(RandomNumberGenerator.GetBytes(DocRef.Length)), (HealthColor)(i % 3), colorTime));
        }

        // Provisioned 30 hours ago: stale until the heartbeat arrives.
        Write(directory, "snapshot.cose", FeedEncoder.Sign(new SnapshotMessage(Feed, 1, Start.AddHours(-30), snapshotRecords, documentRecords), authorityKey, authority.Kid));
        Write(directory, "heartbeat-0001.cose", FeedEncoder.Sign(new HeartbeatMessage(Feed, 1, Start.AddSeconds(15)), authorityKey, authority.Kid));

        // A batch signed by an authority whose clock is 6 minutes ahead of the kiosk's: the kiosk's clock is behind.
        Write(directory, "batch-0002.cose", FeedEncoder.Sign(new BatchMessage(Feed, 2, Start.AddMinutes(6), []), authorityKey, authority.Kid));

        // Registered by a relative on an elder's behalf: d is the elder's card, which the elder brings.
        var proxyClaim = Claim("张*兰", proxy: true, holder: zhang);
        var proxyCode = hl.Issue("CN-HL", issuedAt, expires, proxyClaim);
        Write(directory, "visitor-proxy.png", QrPng.Render(proxyCode, scale: 6));

        var validClaim = Claim("王*明", holder: wang);
        var valid = hl.Issue("CN-HL", issuedAt, expires, validClaim);
        var visitors = new List<DemoVisitor>
        {
            Visitor(0, (valid, validClaim), 36.6, "color_data_stale", "arrives before the feed's heartbeat: the 30 h old snapshot is stale", wang),
            Visitor(20, (valid, validClaim), 36.6, "ok", "green code, then the holder's ID card (核验身份), normal temperature (same code again: decided again)", wang),
            Visitor(30, Code(bj, "CN-BJ", issuedAt, expires, Claim("赵*", holder: zhao)), 36.4, "ok", "CN-BJ code, PS256: recognised across regions; the same national card", zhao),
            Visitor(40, Code(hl, "CN-HL", issuedAt, expires, Claim("孙*丽", holder: sun)), 38.9, "temperature_high", "fever on the reading and on the retest", sun),
            Visitor(50, Code(hl, "CN-HL", issuedAt, expires, Claim("周*", holder: zhou)), null, "temperature_unavailable", "shows a code and the card but never steps to the sensor", zhou),
            Visitor(60, Code(hl, "CN-HL", issuedAt, expires, Claim("吴*强", HealthColor.Red)), 36.6, "health_status", "the code itself is not green"),
            Visitor(70, Code(hl, "CN-HL", issuedAt, expires, yellowInBackend), 36.6, "health_status", "green code, but the backend's newer record is not"),
            Visitor(80, Code(hl, "CN-HL", Start.AddDays(-10), Start.AddDays(-1), Claim("郑*")), 36.6, "code_expired", "a screenshot of yesterday's code"),
            Visitor(90, Code(hl, "CN-HL", Start.AddDays(1), Start.AddDays(2), Claim("冯*")), 36.6, "code_not_yet_valid", "issued tomorrow"),
            Visitor(100, ("https://example.org/menu", null), 36.6, "code_unrecognized", "a restaurant menu QR"),
            Visitor(110, Code(rogueIssuer, "CN-HL", issuedAt, expires, Claim("陈*")), 36.6, "code_invalid", "signed by a key nobody trusts"),
            Visitor(120, ("HCN1:6BF.Q$%%%%%", null), 36.6, "code_invalid", "a damaged code"),
            new(130, new JsonObject { ["atSeconds"] = 130, ["qr"] = null, ["assist"] = true }, "-", "no code: presses the assist button"),
            new(140, new JsonObject { ["atSeconds"] = 140, ["qrImage"] = "visitor-proxy.png", ["bodyTemperatureC"] = 36.5, ["card"] = zhang.ToJson(CardAfter) }, "ok", "code registered on an elder's behalf (代), shown as an image; the elder's own card", proxyCode, proxyClaim, zhang, DocRef.Compute(docKey, zhang.Number)),
            Visitor(210, (valid, validClaim), 36.6, "clock_fault", "after a feed message signed 6 minutes in the kiosk's future", wang),
            Visitor(250, (valid, validClaim), 36.7, "ok", "the kiosk's clock has caught up", wang),
            Visitor(270, Code(hl, "CN-HL", issuedAt, expires, Claim("李*", holder: li)), 36.6, "identity_mismatch", "a green code, but another person's ID card", han),
            Visitor(290, Code(hl, "CN-HL", issuedAt, expires, Claim("马*")), 36.6, "identity_unconfirmed", "a code issued without the holder's card (no d): refused at once", ma),
            CardVisitor(310, ouyang, 36.5, "ok", "no code: the ID card alone, a green record", docKey),
            CardVisitor(330, gao, 36.6, "no_record", "no code: the ID card of someone the feed does not know", docKey),
            CardVisitor(350, badCheck, 36.6, "document_invalid", "no code: a card whose check character is wrong", docKey),
            CardVisitor(370, expired, 36.6, "document_expired", "no code: a card that ran out on 1 October", docKey),
        };

        DemoVisitor Visitor(double at, (string Text, HealthCodeClaim? Claim) code, double? temperature, string expected, string story, DemoCard? card = null)
        {
            var visitor = Plain(at, code, temperature, expected, story);
            if (card is null)
            {
                return visitor;
            }

            visitor.Json["card"] = card.ToJson(CardAfter);
            return visitor with { Card = card, CardDocRef = DocRef.Compute(docKey, card.Number) };
        }

        var scenario = new JsonObject
        {
            ["start"] = Start.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["feed"] = Feed,
            ["identityMode"] = "document",
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

    /// <summary>A code holder takes the card out when the kiosk asks for it, two seconds after stepping up.</summary>
    private const double CardAfter = 2;

    private static DemoVisitor Plain(double at, (string Text, HealthCodeClaim? Claim) code, double? temperature, string expected, string story) =>
        new(at, new JsonObject { ["atSeconds"] = at, ["qr"] = code.Text, ["bodyTemperatureC"] = temperature }, expected, story, code.Text, code.Claim);

    private static DemoVisitor CardVisitor(double at, DemoCard card, double temperature, string expected, string story, byte[] docKey) =>
        new(at, new JsonObject { ["atSeconds"] = at, ["bodyTemperatureC"] = temperature, ["card"] = card.ToJson(0) }, expected, story, Card: card, CardDocRef: DocRef.Compute(docKey, card.Number));

    private static void Write(string directory, string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(directory, name), bytes);
}
