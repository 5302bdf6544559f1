using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthCode.Formats.Feed;
using Kiosk.Colors;
using Kiosk.Fleet;
using Kiosk.Service.Tests.Fleet;
using Kiosk.Service.Tests.Infrastructure;
using Kiosk.Simulation.Demo;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Kiosk.Soak.Tests;

/// <summary>How big a soak run is.</summary>
/// <param name="Visitors">Visitors over the day.</param>
/// <param name="Day">Length of the day in virtual time.</param>
/// <param name="Segments">Scenario segments the day is cut into (one kiosk run each, plus a run after every kill).</param>
/// <param name="Kills">SIGKILLs of the kiosk, at least.</param>
/// <param name="Outages">Broker stops, at least.</param>
/// <param name="MaxOutage">Longest broker outage.</param>
/// <param name="RssMinVisitors">
/// Runs compared for memory and descriptors played at least this many visitors. A kiosk process's peak RSS grows with
/// the work it has done until the GC settles (measured: 120 MB after 3 visitors, 140 MB after 49, 160 MB after 75), and a
/// run after a kill plays only the rest of its segment, so a run of 3 visitors and one of 75 differ by a third without
/// any leak: the day's first and last runs of at least this size are compared.
/// </param>
public sealed record SoakSettings(int Visitors, TimeSpan Day, int Segments, int Kills, int Outages, TimeSpan MaxOutage, int RssMinVisitors = 40, int Seed = 7)
{
    /// <summary>In <c>dotnet test</c>: a few hours of traffic, a few faults.</summary>
    public static SoakSettings Short { get; } = new(200, TimeSpan.FromHours(2), 4, 10, 3, TimeSpan.FromSeconds(5));

    /// <summary>By hand (<c>SOAK=long</c>): a day.</summary>
    public static SoakSettings Long { get; } = new(5000, TimeSpan.FromDays(1), 24, 100, 20, TimeSpan.FromMinutes(1));
}

/// <summary>The figures of a soak run (each also a JSON line <c>{"name","value","unit"}</c> on the test output).</summary>
public sealed record SoakFigures(
    int DecisionsExpected,
    int DecisionsReceived,
    int EventsLost,
    int EventsExtra,
    int DuplicatesDelivered,
    int StateMixes,
    int SeqBackwards,
    int Kills,
    int BrokerOutages,
    int Runs,
    long OutboxLeft,
    double RssFirstHourMb,
    double RssEndMb,
    double RssGrowthPct,
    int FdsFirstHour,
    int FdsEnd,
    double WallSeconds,
    IReadOnlyList<string> Problems)
{
    public IEnumerable<string> JsonLines()
    {
        (string Name, double Value, string Unit)[] figures =
        [
            ("soak.events_lost", EventsLost, "events"), ("soak.events_extra", EventsExtra, "events"), ("soak.state_mixes", StateMixes, "count"),
            ("soak.seq_backwards", SeqBackwards, "count"), ("soak.duplicates_delivered", DuplicatesDelivered, "events"),
            ("soak.kills", Kills, "count"), ("soak.broker_outages", BrokerOutages, "count"), ("soak.runs", Runs, "count"),
            ("soak.decisions", DecisionsReceived, "events"), ("soak.outbox_left", OutboxLeft, "events"),
            ("soak.rss_first_hour_mb", RssFirstHourMb, "MB"), ("soak.rss_end_mb", RssEndMb, "MB"), ("soak.rss_growth_pct", RssGrowthPct, "%"),
            ("soak.fds_first_hour", FdsFirstHour, "count"), ("soak.fds_end", FdsEnd, "count"), ("soak.wall_s", WallSeconds, "s"),
        ];
        return figures.Select(f => JsonSerializer.Serialize(new { name = f.Name, value = Math.Round(f.Value, 2), unit = f.Unit }));
    }
}

/// <summary>
/// The soak harness. A day (<see cref="DayScenario"/>) is cut into segments by time; each segment is played by one kiosk
/// process (<c>kiosk run --simulate --scenario SEGMENT --data DIR --mqtt BROKER</c>) on a persistent data directory. At
/// random moments the harness kills the process with SIGKILL and stops the broker (gracefully, so its persistence keeps
/// the subscriber's queue) for up to <see cref="SoakSettings.MaxOutage"/>. A fleet manager's client with a persistent
/// session collects every <c>event/decision</c>.
/// </summary>
/// <remarks>
/// <para>After a kill the day goes on from what the kiosk had <em>committed</em>: a decision is committed when its event is
/// in the outbox (SQLite, synchronous=FULL); it then leaves the outbox only on the broker's PUBACK, so every committed
/// event is either still in the outbox file or was queued by the broker for the subscriber's session. Once the broker is
/// up, a marker the harness publishes to its own session arrives after everything queued before it (Mosquitto keeps one
/// ordered queue per session), so "received before the marker ∪ in the outbox file" is exactly the set of committed
/// decisions. Their count k in the segment says which visitors were decided: the first k visitors with a code. The
/// restarted kiosk plays the rest of the segment: the visitors after the k-th decided one, from a clock no earlier
/// than the last committed decision nor the seq its color store holds, with the feed messages not yet applied.</para>
/// <para>Invariant checked at the end: every code-showing visitor's decision arrives exactly once after deduplication by
/// <c>eventId</c> (none lost, none decided twice), with the reason the day demands (a state mix otherwise); ordered by
/// their time, decision <c>seq</c> only increases; the color store holds the feed's final records at its final seq; the
/// outbox is empty; the kiosk's peak RSS and open descriptors in the day's last run are those of its first (runs of a
/// comparable size, <see cref="SoakSettings.RssMinVisitors"/>).</para>
/// </remarks>
public sealed class SoakRun(SoakSettings settings, string kioskDll, Action<string> log)
{
    private const string Site = "soak";
    private const string KioskId = "soak-1";
    private static readonly string EventsFilter = $"kiosk/v1/{Site}/{KioskId}/event/decision";
    private const string MarkerTopic = "soak/marker";
    private readonly Random _random = new(settings.Seed);
    private readonly Dictionary<Guid, JsonElement> _decisions = [];
    private readonly HashSet<string> _markers = [];
    private readonly List<string> _problems = [];
    private int _duplicatesDelivered;
    private int _kills;
    private int _outages;
    private int _runs;
    private readonly List<(int Segment, double MaxRssMb, int MaxFds, double Seconds, int Visitors)> _completedRuns = [];

    public async Task<SoakFigures> RunAsync(string directory, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        var day = DayScenario.Create(Path.Combine(directory, "day"), new DayScenarioSettings { Visitors = settings.Visitors, Duration = settings.Day, Seed = settings.Seed });
        var scenario = JsonNode.Parse(await File.ReadAllTextAsync(day.ScenarioPath, cancellationToken))!.AsObject();
        var dayStart = DateTimeOffset.Parse(scenario["start"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var visitorJson = scenario["visitors"]!.AsArray().Select(v => v!.AsObject()).ToList();
        var data = Path.Combine(directory, "data");
        var config = Path.Combine(directory, "soak.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Kiosk": { "Site": "{{Site}}", "KioskId": "{{KioskId}}", "SiteSecret": "c29hay1zaXRlLXNlY3JldC0xMjM0NQ==" },
              "Fleet": { "TelemetryInterval": "00:00:10" } }
            """, cancellationToken);

        await using var broker = await MosquittoBroker.StartAsync(persistence: true);
        await using var subscriber = await TestSubscriber.StartAsync(broker.Port, "soak-fleet-manager", persistent: true, MqttProtocolVersion.V500, EventsFilter, MarkerTopic);
        using var chaos = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var outageTask = Task.CompletedTask;

        var segmentLength = settings.Day.TotalSeconds / settings.Segments;
        var codeVisitors = day.Visitors.Select((v, i) => (v, i)).Where(x => x.v.Expected != "-").Select(x => x.i).ToList();
        for (var segment = 0; segment < settings.Segments; segment++)
        {
            var from = segment * segmentLength;
            var to = segment == settings.Segments - 1 ? double.MaxValue : (segment + 1) * segmentLength;
            var inSegment = Enumerable.Range(0, day.Visitors.Count).Where(i => day.Visitors[i].AtSeconds >= from && day.Visitors[i].AtSeconds < to).ToList();
            // Cumulative quotas spread over the day, shortfalls carried on: kills reached by the second-last segment,
            // outages by the third-last (the last segment runs with the broker up, so the kiosk drains its outbox).
            var killQuota = Quota(settings.Kills, segment, settings.Segments - 1);
            var outageQuota = segment == settings.Segments - 1 ? _outages : Quota(settings.Outages, segment, settings.Segments - 2);
            double? segmentStart = null;
            if (segment == settings.Segments - 1)
            {
                // The last segment runs with the broker up, so that the kiosk drains its outbox before the day ends.
                await outageTask;
            }

            while (true)
            {
                await SyncAsync(subscriber, cancellationToken);
                var committed = Committed(data);
                segmentStart ??= Math.Max(from, LastDecisionSeconds(committed, dayStart) + 1);
                var decidedHere = committed.Count(e => Seconds(e, dayStart) >= segmentStart);
                var rest = Rest(inSegment, codeVisitors, decidedHere, day);
                if (rest.Count == 0)
                {
                    break;
                }

                var storeSeq = StoreSeq(data, scenario);
                var start = Math.Max(segmentStart.Value, Math.Max(LastDecisionSeconds(committed, dayStart) + 1, SeqSeconds(day, storeSeq)));
                var runFile = WriteRun(directory, scenario, dayStart, visitorJson, rest, day, start, to, storeSeq);
                var kill = _kills < killQuota;
                if (_outages < outageQuota && outageTask.IsCompleted)
                {
                    outageTask = OutageAsync(broker, chaos.Token);
                }

                var played = Stopwatch.StartNew();
                var (killed, exit, rss, fds) = await PlayAsync(runFile, data, config, broker.Port, kill ? KillDelay(segment == settings.Segments - 1) : null, cancellationToken);
                _runs++;
                if (killed)
                {
                    _kills++;
                }
                else if (exit != 0)
                {
                    _problems.Add($"segment {segment}: the kiosk exited with {exit}");
                    break;
                }
                else
                {
                    _completedRuns.Add((segment, rss, fds, played.Elapsed.TotalSeconds, rest.Count));
                    log($"  run {_runs} (segment {segment + 1}, {rest.Count} visitors): peak RSS {rss:0.0} MB, {fds} descriptors, {played.Elapsed.TotalSeconds:0.0} s");
                }
            }

            log($"segment {segment + 1}/{settings.Segments}: {_runs} runs, {_kills} kills, {_outages} outages, {_decisions.Count} decisions received, {wall.Elapsed.TotalSeconds:0} s");
        }

        await outageTask;
        await SyncAsync(subscriber, cancellationToken);
        return Check(day, data, scenario, dayStart, wall.Elapsed.TotalSeconds);
    }

    // The visitors of the segment not yet decided: those after the k-th visitor with a code (visitors without a code
    // before it were done too; after it they come again).
    private static List<int> Rest(List<int> inSegment, List<int> codeVisitors, int decidedHere, DayScenario day)
    {
        if (decidedHere == 0)
        {
            return inSegment;
        }

        var codesHere = inSegment.Where(i => day.Visitors[i].Expected != "-").ToList();
        if (decidedHere >= codesHere.Count)
        {
            return [];
        }

        var lastDone = codesHere[decidedHere - 1];
        return inSegment.Where(i => i > lastDone).ToList();
    }

    private static int Quota(int total, int segment, int by) => Math.Min(total, (int)Math.Ceiling(total * (segment + 1) / (double)Math.Max(1, by)));

    private TimeSpan KillDelay(bool lastChance)
    {
        // Anywhere in a run (while it starts, catches up with the broker, mid-visitor, while it drains), but within half a
        // typical run, so that the kill lands before the run is over; at the end of the day, early.
        var durations = _completedRuns.Select(r => r.Seconds).Order().ToList();
        var typical = lastChance ? 1.5 : Math.Clamp(durations.Count == 0 ? 4.0 : durations[durations.Count / 2] / 2, 1.0, 6.0);
        return TimeSpan.FromSeconds(0.3 + _random.NextDouble() * typical);
    }

    // The chaos itself: a broker outage at a random moment for a random time (pacing, not a wait for an outcome; what
    // the kiosk did meanwhile is checked after SyncAsync, against what it committed).
    private async Task OutageAsync(MosquittoBroker broker, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(0.5 + _random.NextDouble() * 3), cancellationToken);
        var down = TimeSpan.FromSeconds(1 + _random.NextDouble() * (settings.MaxOutage.TotalSeconds - 1));
        await broker.StopAsync();
        _outages++;
        log($"broker down for {down.TotalSeconds:0.0} s");
        try
        {
            await Task.Delay(down, cancellationToken);
        }
        finally
        {
            await broker.RestartAsync();
        }
    }

    private async Task<(bool Killed, int Exit, double MaxRssMb, int MaxFds)> PlayAsync(string scenario, string data, string config, int port, TimeSpan? killAfter, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[kioskDll, "run", "--simulate", "--scenario", scenario, "--data", data, "--config", config, "--mqtt", $"127.0.0.1:{port}"])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the kiosk");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null && stderr.Length < 20_000)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var started = Stopwatch.StartNew();
        var maxRss = 0.0;
        var maxFds = 0;
        var killed = false;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(30));
        while (!process.HasExited)
        {
            (maxRss, maxFds) = Sample(process.Id, maxRss, maxFds);
            if (killAfter is { } after && started.Elapsed >= after)
            {
                process.Kill(); // SIGKILL, this process only
                killed = true;
                break;
            }

            try
            {
                // The sampling interval of memory and descriptors (and the random kill's clock), not a wait for an outcome.
                await process.WaitForExitAsync(limit.Token).WaitAsync(TimeSpan.FromMilliseconds(100), limit.Token);
            }
            catch (TimeoutException)
            {
                // Sample again.
            }
        }

        await process.WaitForExitAsync(cancellationToken);
        if (!killed && process.ExitCode != 0)
        {
            log($"kiosk exited {process.ExitCode}: {stderr}");
        }

        return (killed, killed ? 0 : process.ExitCode, maxRss, maxFds);
    }

    private static (double RssMb, int Fds) Sample(int pid, double maxRss, int maxFds)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    maxRss = Math.Max(maxRss, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0);
                }
            }

            maxFds = Math.Max(maxFds, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Exited meanwhile.
        }

        return (maxRss, maxFds);
    }

    // Waits for the broker, then for a marker through the subscriber's session: everything the broker acknowledged
    // before has arrived.
    private Task SyncAsync(TestSubscriber subscriber, CancellationToken cancellationToken)
    {
        var marker = Guid.NewGuid().ToString("N");
        return Poll.UntilAsync(
            async () =>
            {
                if (!subscriber.Client.IsConnected)
                {
                    return false;
                }

                try
                {
                    await subscriber.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MarkerTopic).WithPayload(marker)
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                    await subscriber.WaitUntilAsync(() => Drain(subscriber).Contains(marker), "the marker", seconds: 10);
                    return true;
                }
                catch (Exception ex) when (ex is TimeoutException or MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
                {
                    // The broker went down meanwhile: try again.
                    return false;
                }
            },
            "the broker, then the marker through the subscriber's session",
            TimeSpan.FromMinutes(3),
            // A retry interval while the broker is down, not a wait for an outcome.
            pause: TimeSpan.FromMilliseconds(200),
            cancellationToken: cancellationToken);
    }

    private HashSet<string> Drain(TestSubscriber subscriber)
    {
        while (subscriber.Messages.TryDequeue(out var message))
        {
            if (message.Topic == MarkerTopic)
            {
                _markers.Add(message.Payload);
                continue;
            }

            var json = message.Json;
            var id = json.GetProperty("eventId").GetGuid();
            if (!_decisions.TryAdd(id, json))
            {
                _duplicatesDelivered++;
            }
        }

        return _markers;
    }

    // Received ∪ still in the outbox file (the kiosk is not running).
    private List<JsonElement> Committed(string data)
    {
        var all = new Dictionary<Guid, JsonElement>(_decisions);
        foreach (var entry in OutboxEntries(data))
        {
            if (entry.Topic == OutboxTopic.Decision)
            {
                all.TryAdd(entry.EventId, JsonDocument.Parse(entry.Payload).RootElement.Clone());
            }
        }

        return all.Values.ToList();
    }

    private static List<OutboxEntry> OutboxEntries(string data)
    {
        var path = Path.Combine(data, SqliteOutbox.FileName);
        if (!File.Exists(path))
        {
            return [];
        }

        using var outbox = new SqliteOutbox(path, int.MaxValue, () => null, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteOutbox>.Instance);
        return outbox.ReadAfter(0, int.MaxValue).ToList();
    }

    private static ColorStore OpenStore(string data, JsonObject scenario) => ColorStore.Open(new ColorStoreSettings
    {
        DatabasePath = Path.Combine(data, "colors.db"),
        Feed = scenario["feed"]!.GetValue<string>(),
        AuthorityKey = AuthorityKey.FromBase64Spki(scenario["authorityKey"]!.GetValue<string>()),
        ResetOnFeedChange = false,
    });

    private static ulong? StoreSeq(string data, JsonObject scenario)
    {
        if (!File.Exists(Path.Combine(data, "colors.db")))
        {
            return null;
        }

        using var store = OpenStore(data, scenario);
        return store.FeedState.Seq;
    }

    private static double Seconds(JsonElement decision, DateTimeOffset dayStart) =>
        (DateTimeOffset.Parse(decision.GetProperty("at").GetString()!, CultureInfo.InvariantCulture) - dayStart).TotalSeconds;

    private static double LastDecisionSeconds(List<JsonElement> committed, DateTimeOffset dayStart) =>
        committed.Count == 0 ? double.MinValue : committed.Max(e => Seconds(e, dayStart));

    // When the feed reached this seq (its batch): the kiosk's clock is not set back before what its store holds.
    private static double SeqSeconds(DayScenario day, ulong? seq) =>
        seq is { } s ? day.FeedMessages.Where(m => m.Seq == s && m.AtSeconds is not null).Select(m => m.AtSeconds!.Value).DefaultIfEmpty(double.MinValue).Min() : double.MinValue;

    // A run's scenario: the day's header, from `start` (seconds into the day), the feed messages of the segment (up to `end`)
    // the store may not have yet (those due by then at once, the later ones at their time), and the visitors still to come.
    private static string WriteRun(string directory, JsonObject scenario, DateTimeOffset dayStart, List<JsonObject> visitors, List<int> rest, DayScenario day, double start, double end, ulong? storeSeq)
    {
        var applied = SeqSeconds(day, storeSeq);
        var messages = new JsonArray();
        foreach (var m in day.FeedMessages)
        {
            var at = m.AtSeconds ?? double.MinValue;
            // Those applied a minute before the store's seq are surely in it; those after the segment come with the next.
            if ((storeSeq is not null && at <= applied - 60) || at >= end)
            {
                continue;
            }

            var file = Path.GetRelativePath(directory, Path.Combine(Path.GetDirectoryName(day.ScenarioPath)!, m.File));
            messages.Add(at <= start ? JsonValue.Create(file) : new JsonObject { ["file"] = file, ["atSeconds"] = Math.Round(at - start, 3) });
        }

        var run = new JsonObject
        {
            ["start"] = (dayStart + TimeSpan.FromSeconds(Math.Round(start, 3))).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["feed"] = scenario["feed"]!.GetValue<string>(),
            ["authorityKey"] = scenario["authorityKey"]!.GetValue<string>(),
            ["feedMessages"] = messages,
            ["visitors"] = new JsonArray(rest.Select(i =>
            {
                var v = (JsonObject)visitors[i].DeepClone();
                if (v["qrImage"] is { } image)
                {
                    v["qrImage"] = Path.GetRelativePath(directory, Path.Combine(Path.GetDirectoryName(day.ScenarioPath)!, image.GetValue<string>()));
                }

                v["atSeconds"] = Math.Round(Math.Max(0, day.Visitors[i].AtSeconds - start), 3);
                return (JsonNode)v;
            }).ToArray()),
        };
        var path = Path.Combine(directory, "run.json");
        File.WriteAllText(path, run.ToJsonString());
        return path;
    }

    private SoakFigures Check(DayScenario day, string data, JsonObject scenario, DateTimeOffset dayStart, double wallSeconds)
    {
        var expected = day.Visitors.Where(v => v.Expected != "-").Select(v => v.Expected).ToList();
        var received = _decisions.Values.OrderBy(e => Seconds(e, dayStart)).ToList();
        var mixes = 0;
        for (var i = 0; i < Math.Min(expected.Count, received.Count); i++)
        {
            if (received[i].GetProperty("reason").GetString() != expected[i])
            {
                mixes++;
                if (mixes <= 5)
                {
                    _problems.Add($"decision {i} at {received[i].GetProperty("at").GetString()}: {received[i].GetProperty("reason").GetString()}, the day demands {expected[i]}");
                }
            }
        }

        var seqBackwards = 0;
        for (var i = 1; i < received.Count; i++)
        {
            if (received[i].GetProperty("seq").GetInt64() <= received[i - 1].GetProperty("seq").GetInt64())
            {
                seqBackwards++;
            }
        }

        using (var store = OpenStore(data, scenario))
        {
            if (store.FeedState.Seq != day.FinalSeq)
            {
                mixes++;
                _problems.Add($"color store at seq {store.FeedState.Seq}, the feed at {day.FinalSeq}");
            }

            var want = day.FinalRecords.ToDictionary(r => (r.Issuer, r.Id), r => (r.Color, r.ColorTime));
            var have = store.ReadAllFromDisk().ToDictionary(r => (r.Issuer, r.Id), r => (r.Color, r.ColorTime));
            var differing = want.Count(w => !have.TryGetValue(w.Key, out var h) || h != w.Value) + have.Keys.Count(k => !want.ContainsKey(k));
            if (differing > 0)
            {
                mixes += differing;
                _problems.Add($"color store differs from the feed in {differing} records");
            }
        }

        var outboxLeft = OutboxEntries(data).Count;
        // The day's first and last runs that did a comparable amount of work (see SoakSettings.RssMinVisitors); with fewer
        // than two such runs, the two largest runs, in the order they ran.
        var comparable = _completedRuns.Where(r => r.Visitors >= settings.RssMinVisitors).ToList();
        if (comparable.Count < 2)
        {
            comparable = [.. _completedRuns.Select((r, i) => (Run: r, Index: i)).OrderByDescending(x => x.Run.Visitors).Take(2).OrderBy(x => x.Index).Select(x => x.Run)];
        }

        var first = comparable.FirstOrDefault();
        var last = comparable.LastOrDefault();
        var growth = first.MaxRssMb > 0 ? (last.MaxRssMb - first.MaxRssMb) / first.MaxRssMb * 100 : double.NaN;
        return new SoakFigures(
            expected.Count, received.Count, Math.Max(0, expected.Count - received.Count), Math.Max(0, received.Count - expected.Count), _duplicatesDelivered,
            mixes, seqBackwards, _kills, _outages, _runs, outboxLeft, first.MaxRssMb, last.MaxRssMb, growth, first.MaxFds, last.MaxFds, wallSeconds, _problems);
    }
}
