using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using HealthCode.Formats.Identity;
using Kiosk.Simulation.Demo;

namespace Kiosk.Service.Tests.Identity;

/// <summary>
/// Writes identity scenarios from identity.md with the issuing side's APIs, as the demo does: fresh authority and
/// issuer keys, a docKey (or none), a signed trust message and trust-list file, a snapshot with code and document
/// records, codes with and without <c>d</c>, made-up cards.
/// </summary>
internal sealed class IdentityWorld : IDisposable
{
    /// <summary>00:30 on 25 November in China Standard Time: still the 24th in UTC (cards are judged by the CST date).</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 16, 30, 0, TimeSpan.Zero);

    private readonly SigningKey _authority = SigningKey.CreateEs256();
    private readonly SigningKey _issuer = SigningKey.CreateEs256();
    private readonly HealthCodeIssuer _codes;
    private readonly List<DocumentRecord> _documentRecords = [];

    public IdentityWorld(string directory, bool withDocKey = true)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        DocKey = withDocKey ? RandomNumberGenerator.GetBytes(DocRef.KeyLength) : null;
        _codes = new HealthCodeIssuer(_issuer);
    }

    public string Directory { get; }

    /// <summary>The docKey of the trust list; null for a kiosk without one.</summary>
    public byte[]? DocKey { get; }

    /// <summary>A docKey to make codes' <c>d</c> with when the kiosk has none (the issuer still has one).</summary>
    private byte[] IssuerDocKey { get; } = RandomNumberGenerator.GetBytes(DocRef.KeyLength);

    public DocRef DocRefOf(DemoCard card) => DocRef.Compute(DocKey ?? IssuerDocKey, card.Number);

    /// <summary>A document record for <paramref name="card"/> in the snapshot.</summary>
    public void Record(DemoCard card, HealthColor color = HealthColor.Green) =>
        _documentRecords.Add(new DocumentRecord(DocRefOf(card), color, Start.AddDays(-1).ToUnixTimeSeconds()));

    /// <summary>A code of CN-HL, valid for a day, with <paramref name="holder"/>'s docRef as <c>d</c> (none when null).</summary>
    public string Code(DemoCard? holder, HealthColor color = HealthColor.Green) =>
        _codes.Issue("CN-HL", Start.AddMinutes(-5), Start.AddDays(1), new HealthCodeClaim(
            CodeId.FromBytes(RandomNumberGenerator.GetBytes(CodeId.Length)), color, Start.AddDays(-2).ToUnixTimeSeconds(), "王*明", false, holder is null ? null : DocRefOf(holder)));

    public static JsonObject Visitor(double at, string? qr, DemoCard? card, double cardAt = 0, double? temperature = 36.6, string? fault = null, char? flag = null)
    {
        var visitor = new JsonObject { ["atSeconds"] = at, ["bodyTemperatureC"] = temperature };
        if (qr is not null)
        {
            visitor["qr"] = qr;
        }

        if (card is not null)
        {
            var json = card.ToJson(cardAt);
            json["fault"] = fault;
            if (flag is { } f)
            {
                json["flag"] = f.ToString();
            }

            visitor["card"] = json;
        }

        return visitor;
    }

    /// <summary>
    /// Writes the scenario: the trust message (and the same list as the trust-list file), a snapshot signed
    /// <paramref name="snapshotAge"/> before the start (and a heartbeat at the start unless <paramref name="heartbeat"/>
    /// is false), the visitors; <paramref name="futureBatchAt"/> delivers a batch signed 6 minutes in the kiosk's future
    /// at that second (a clock fault until the kiosk catches up).
    /// </summary>
    public string Write(string identityMode, IEnumerable<JsonObject> visitors, TimeSpan? snapshotAge = null, bool heartbeat = true, double? futureBatchAt = null)
    {
        var key = (ECDsa)_authority.Key;
        var trust = new TrustList([_issuer.ToTrustedIssuer("CN-HL", Start.AddDays(-30), Start.AddDays(365))], docKey: DocKey);
        File.WriteAllBytes(Path.Combine(Directory, "trust.cose"), FeedEncoder.Sign(new TrustMessage(Start.AddHours(-1), trust), key, _authority.Kid));
        File.WriteAllText(Path.Combine(Directory, "trust.json"), TrustListFormat.ToJson(trust));
        var snapshotAt = Start - (snapshotAge ?? TimeSpan.FromMinutes(10));
        File.WriteAllBytes(Path.Combine(Directory, "snapshot.cose"), FeedEncoder.Sign(new SnapshotMessage("CN-HL", 1, snapshotAt, [], _documentRecords), key, _authority.Kid));
        var messages = new JsonArray("trust.cose", "snapshot.cose");
        if (heartbeat)
        {
            File.WriteAllBytes(Path.Combine(Directory, "heartbeat.cose"), FeedEncoder.Sign(new HeartbeatMessage("CN-HL", 1, Start), key, _authority.Kid));
            messages.Add("heartbeat.cose");
        }

        if (futureBatchAt is { } at)
        {
            File.WriteAllBytes(Path.Combine(Directory, "batch.cose"), FeedEncoder.Sign(new BatchMessage("CN-HL", 2, Start.AddSeconds(at).AddMinutes(6), []), key, _authority.Kid));
            messages.Add(new JsonObject { ["file"] = "batch.cose", ["atSeconds"] = at });
        }

        var scenario = new JsonObject
        {
            ["start"] = Start.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["feed"] = "CN-HL",
            ["identityMode"] = identityMode,
            ["authorityKey"] = Convert.ToBase64String(_authority.SubjectPublicKeyInfo),
            ["trustList"] = "trust.json",
            ["feedMessages"] = messages,
            ["visitors"] = new JsonArray(visitors.Select(v => (JsonNode)v).ToArray()),
        };
        var path = Path.Combine(Directory, "scenario.json");
        File.WriteAllText(path, scenario.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return path;
    }

    public void Dispose()
    {
        _authority.Dispose();
        _issuer.Dispose();
    }
}
