using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Core.Checkpoint;
using Kiosk.Drivers.QrDecoding;

namespace Kiosk.Simulation.Demo;

/// <summary>
/// A day's traffic at one door, for load and soak runs: thousands of visitors with every reason of the policy (a first
/// visitor on stale data, a clock fault mid-day, every refusal, fever, no reading, the assist button, a code shown as a
/// picture), a feed batch every minute changing background records, a snapshot every hour, and the final color state the
/// feed defines. Like <see cref="DemoWorld"/> it makes fresh keys; unlike it, the visitors' outcomes do not depend on
/// where a visitor lands in a queue: the only time-dependent reasons have empty time around them.
/// </summary>
/// <param name="ScenarioPath">The scenario file (cli.md).</param>
/// <param name="Visitors">Every visitor in order.</param>
/// <param name="FeedMessages">Every feed message in order of arrival.</param>
/// <param name="FinalSeq">The feed's seq once the last visitor stepped up (every batch before it was delivered).</param>
/// <param name="FinalRecords">The feed's records at <see cref="FinalSeq"/>: what the kiosk's color store must hold after the day.</param>
internal sealed record DayScenario(string ScenarioPath, IReadOnlyList<DayVisitor> Visitors, IReadOnlyList<DayFeedMessage> FeedMessages, ulong FinalSeq, IReadOnlyList<ColorRecord> FinalRecords)
{
    private const string Feed = "CN-HL";

    /// <summary>How long the kiosk's clock is behind a heartbeat signed in its future (the clock-fault visitor's cause).</summary>
    public static readonly TimeSpan ClockAhead = TimeSpan.FromMinutes(6);

    /// <summary>Writes the scenario and its files into <paramref name="directory"/>.</summary>
    public static DayScenario Create(string directory, DayScenarioSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Visitors, 3);
        var day = settings.Duration.TotalSeconds;
        var batchEvery = settings.BatchEvery.TotalSeconds;
        if (day < 1800 || batchEvery < 1 || settings.SnapshotEvery.TotalSeconds < batchEvery)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), "a day of at least 30 minutes, batches at least a second apart and snapshots no more often than batches");
        }

        Directory.CreateDirectory(directory);
        var random = new Random(settings.Seed);
        var start = settings.Start;
        using var authority = SigningKey.CreateEs256();
        using var heilongjiang = SigningKey.CreateEs256();
        using var beijing = SigningKey.CreatePs256();
        using var rogue = SigningKey.CreateEs256();
        var authorityKey = (ECDsa)authority.Key;
        var messages = new List<DayFeedMessage>();
        var scenarioMessages = new JsonArray();

        void Message(string file, FeedMessage message, double? at, ulong? seq)
        {
            File.WriteAllBytes(Path.Combine(directory, file), FeedEncoder.Sign(message, authorityKey, authority.Kid));
            Listed(file, at, seq);
        }

        void Listed(string file, double? at, ulong? seq)
        {
            messages.Add(new DayFeedMessage(file, at, seq));
            scenarioMessages.Add(at is { } seconds ? new JsonObject { ["file"] = file, ["atSeconds"] = seconds } : JsonValue.Create(file));
        }

        // A snapshot, or (SnapshotsAsManifests) the same state as a manifest folder: manifest.cose and its parts.
        void Snapshot(ulong seq, DateTimeOffset signedAt, double? at, List<ColorRecord> state)
        {
            if (!settings.SnapshotsAsManifests)
            {
                Message($"snapshot-{seq:D6}.cose", new SnapshotMessage(Feed, seq, signedAt, state), at, seq);
                return;
            }

            var folder = $"manifest-{seq:D6}";
            Directory.CreateDirectory(Path.Combine(directory, folder));
            var writer = new ManifestWriter(Feed, seq, settings.ManifestPartBytes);
            writer.PartWritten += (index, bytes) => File.WriteAllBytes(Path.Combine(directory, folder, $"part-{index.ToString(CultureInfo.InvariantCulture)}.cbor"), bytes);
            state.Sort((a, b) => FeedKeyOrder.Compare(a, b));
            foreach (var record in state)
            {
                writer.AddRecord(record);
            }

            File.WriteAllBytes(Path.Combine(directory, folder, "manifest.cose"), FeedEncoder.Sign(writer.Finish(signedAt), authorityKey, authority.Kid));
            Listed(folder, at, seq);
        }

        var trust = new TrustList([heilongjiang.ToTrustedIssuer("CN-HL", start.AddDays(-30), start.AddDays(365)), beijing.ToTrustedIssuer("CN-BJ", start.AddDays(-30), start.AddDays(365))]);
        Message("trust.cose", new TrustMessage(start.AddHours(-1), trust), null, null);

        // The codes: green holders who come (some more than once), holders the backend turned yellow, and the odd ones.
        var hl = new HealthCodeIssuer(heilongjiang);
        var bj = new HealthCodeIssuer(beijing);
        var colorTime = start.AddDays(-3).ToUnixTimeSeconds();
        var issuedAt = start.AddMinutes(-10);
        var expires = start.AddDays(2) + settings.Duration;
        HealthCodeClaim Claim(HealthColor color = HealthColor.Green, bool proxy = false) =>
            new(CodeId.FromBytes(RandomNumberGenerator.GetBytes(CodeId.Length)), color, colorTime, "王*明", proxy);
        var greens = Enumerable.Range(0, Math.Max(20, settings.Visitors / 4)).Select(_ => hl.Issue("CN-HL", issuedAt, expires, Claim())).ToList();
        var regionB = Enumerable.Range(0, 5).Select(_ => bj.Issue("CN-BJ", issuedAt, expires, Claim())).ToList();
        var records = new Dictionary<(string Issuer, CodeId Id), (HealthColor Color, long Ct)>();
        var yellows = Enumerable.Range(0, 10).Select(_ =>
        {
            var claim = Claim();
            records[("CN-HL", claim.Id)] = (HealthColor.Yellow, start.AddHours(-1).ToUnixTimeSeconds());
            return hl.Issue("CN-HL", issuedAt, expires, claim);
        }).ToList();
        var background = new List<CodeId>();
        for (var i = 0; i < settings.BackgroundRecords; i++)
        {
            var id = CodeId.FromBytes(RandomNumberGenerator.GetBytes(CodeId.Length));
            background.Add(id);
            records[("CN-HL", id)] = ((HealthColor)(i % 3), colorTime);
        }

        var proxy = hl.Issue("CN-HL", issuedAt, expires, Claim(proxy: true));
        File.WriteAllBytes(Path.Combine(directory, "visitor-proxy.png"), QrPng.Render(proxy, scale: 6));
        var red = hl.Issue("CN-HL", issuedAt, expires, Claim(HealthColor.Red));
        var expired = hl.Issue("CN-HL", start.AddDays(-10), start.AddDays(-1), Claim());
        var notYetValid = hl.Issue("CN-HL", start + settings.Duration + TimeSpan.FromDays(1), start + settings.Duration + TimeSpan.FromDays(2), Claim());
        var untrusted = new HealthCodeIssuer(rogue).Issue("CN-HL", issuedAt, expires, Claim());

        List<ColorRecord> State() => records.Select(r => new ColorRecord(r.Key.Issuer, r.Key.Id, r.Value.Color, r.Value.Ct)).ToList();

        // The feed: a snapshot provisioned 30 hours ago (stale until the first batch), a batch every BatchEvery, a snapshot
        // every SnapshotEvery (half a batch period after the batch it includes) and, at an eighth of the day, a heartbeat
        // signed ClockAhead in the kiosk's future: the kiosk's clock is behind until it catches up within the skew.
        ulong seq = 1;
        Snapshot(seq, start.AddHours(-30), null, State());
        var clockAt = Math.Floor(day / 8 / batchEvery) * batchEvery + batchEvery / 3;
        var lastVisitorAt = day - 5;
        var finalSeq = seq;
        List<ColorRecord>? finalRecords = null;
        var nextSnapshot = settings.SnapshotEvery.TotalSeconds;
        for (var at = batchEvery; at < day; at += batchEvery)
        {
            seq++;
            var changes = new List<ColorRecord>();
            for (var c = 0; c < settings.ChangesPerBatch; c++)
            {
                var id = background[random.Next(background.Count)];
                var key = ("CN-HL", id);
                var color = (HealthColor)(((int)records[key].Color + 1 + random.Next(2)) % 3);
                var ct = start.AddSeconds(at).ToUnixTimeSeconds();
                records[key] = (color, ct);
                changes.Add(new ColorRecord("CN-HL", id, color, ct));
            }

            Message($"batch-{seq:D6}.cose", new BatchMessage(Feed, seq, start.AddSeconds(at), changes), at, seq);
            if (at < clockAt && clockAt < at + batchEvery)
            {
                Message("heartbeat-clock-ahead.cose", new HeartbeatMessage(Feed, seq, start.AddSeconds(clockAt) + ClockAhead), clockAt, null);
            }

            if (at >= nextSnapshot)
            {
                var snapshotAt = at + batchEvery / 2;
                Snapshot(seq, start.AddSeconds(snapshotAt), snapshotAt, State());
                nextSnapshot += settings.SnapshotEvery.TotalSeconds;
            }

            if (at <= lastVisitorAt)
            {
                finalSeq = seq;
                if (at + batchEvery > lastVisitorAt)
                {
                    finalRecords = State();
                }
            }
        }

        // The traffic: busier from 06:00 to 22:00 (hours scaled to the day), nobody in the first batch period, around the
        // clock fault (from two minutes before the heartbeat until a minute after the clock has caught up) or in the last minute.
        var caughtUp = clockAt + (ClockAhead - PolicyDefaults.ClockSkew).TotalSeconds;
        bool Quiet(double t) => t < batchEvery + 30 || (t > clockAt - 150 && t < caughtUp + 180) || t > day - 60;
        var times = new List<double>();
        while (times.Count < settings.Visitors - 3)
        {
            var t = random.NextDouble() * day;
            var hour = t / day * 24;
            if (!Quiet(t) && random.NextDouble() < (hour is < 6 or >= 22 ? 0.25 : 1.0))
            {
                times.Add(Math.Round(t, 1));
            }
        }

        times.Sort();
        var visitors = new List<DayVisitor>();
        var visitorJson = new JsonArray();

        void Visitor(double at, string expected, string? qr, double? temperature, string? image = null, bool assist = false)
        {
            var json = new JsonObject { ["atSeconds"] = at };
            if (image is not null)
            {
                json["qrImage"] = image;
            }
            else
            {
                json["qr"] = qr;
            }

            if (qr is not null || image is not null)
            {
                json["bodyTemperatureC"] = temperature;
            }

            if (assist)
            {
                json["assist"] = true;
            }

            visitors.Add(new DayVisitor(at, expected));
            visitorJson.Add(json);
        }

        Visitor(5, "color_data_stale", greens[0], 36.6);
        var clockVisitorPlaced = false;
        foreach (var at in times)
        {
            if (!clockVisitorPlaced && at > clockAt)
            {
                Visitor(clockAt + 60, "clock_fault", greens[1], 36.6);
                clockVisitorPlaced = true;
            }

            var roll = random.Next(1000);
            switch (roll)
            {
                case < 640: Visitor(at, "ok", greens[random.Next(greens.Count)], Math.Round(36.2 + random.NextDouble() * 0.9, 1)); break;
                case < 680: Visitor(at, "ok", regionB[random.Next(regionB.Count)], 36.5); break;
                case < 730: Visitor(at, "temperature_high", greens[random.Next(greens.Count)], 38.9); break;
                case < 760: Visitor(at, "temperature_unavailable", greens[random.Next(greens.Count)], null); break;
                case < 810: Visitor(at, "health_status", red, 36.6); break;
                case < 840: Visitor(at, "health_status", yellows[random.Next(yellows.Count)], 36.6); break;
                case < 870: Visitor(at, "code_expired", expired, 36.6); break;
                case < 890: Visitor(at, "code_not_yet_valid", notYetValid, 36.6); break;
                case < 920: Visitor(at, "code_unrecognized", "https://example.org/menu", 36.6); break;
                case < 950: Visitor(at, "code_invalid", untrusted, 36.6); break;
                case < 970: Visitor(at, "code_invalid", "HCN1:6BF.Q$%%%%%", 36.6); break;
                case < 990: Visitor(at, "-", null, null, assist: true); break;
                default: Visitor(at, "ok", null, 36.5, image: "visitor-proxy.png"); break;
            }
        }

        if (!clockVisitorPlaced)
        {
            Visitor(clockAt + 60, "clock_fault", greens[1], 36.6);
        }

        Visitor(lastVisitorAt, "ok", greens[0], 36.6);

        var scenario = new JsonObject
        {
            ["start"] = start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["feed"] = Feed,
            ["authorityKey"] = Convert.ToBase64String(authority.SubjectPublicKeyInfo),
            ["feedMessages"] = scenarioMessages,
            ["visitors"] = visitorJson,
        };
        var path = Path.Combine(directory, "scenario.json");
        File.WriteAllText(path, scenario.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        return new DayScenario(path, visitors, messages, finalSeq, finalRecords ?? State());
    }
}

/// <summary>One visitor of a day: when, and the reason the policy demands (or "-" for a visitor without a code).</summary>
internal sealed record DayVisitor(double AtSeconds, string Expected);

/// <summary>What a day's scenario holds (<see cref="DayScenario.Create"/>).</summary>
internal sealed record DayScenarioSettings
{
    /// <summary>Visitors over the day, at least 3 (the stale-data visitor, the clock-fault visitor, the last one).</summary>
    public int Visitors { get; init; } = 5000;

    /// <summary>Length of the day in virtual time (traffic follows the hours of a day scaled to it).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromDays(1);

    /// <summary>A feed batch this often.</summary>
    public TimeSpan BatchEvery { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A full snapshot this often.</summary>
    public TimeSpan SnapshotEvery { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Every snapshot as a manifest folder and its parts (color-feed.md) instead of one message.</summary>
    public bool SnapshotsAsManifests { get; init; }

    /// <summary>The largest part of those manifests.</summary>
    public int ManifestPartBytes { get; init; } = 16 * 1024;

    /// <summary>Records of people who do not come to this door, changed by the batches.</summary>
    public int BackgroundRecords { get; init; } = 2000;

    /// <summary>Background records a batch changes.</summary>
    public int ChangesPerBatch { get; init; } = 5;

    /// <summary>Seed of the traffic, the visitor mix and the feed's changes (keys are always fresh).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The start of the day (the kiosk's clock at the first visitor).</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
}

/// <summary>One feed message of a day: its file, when it arrives (null: before the first visitor), and its seq (batches and snapshots).</summary>
internal sealed record DayFeedMessage(string File, double? AtSeconds, ulong? Seq);
