using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.FleetConsole;
using Kiosk.FleetWeb;
using Kiosk.Mqtt;
using Kiosk.Service.Tests.Fleet;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kiosk.Service.Tests.FleetConsole;

/// <summary>
/// Against a real Mosquitto: a live kiosk's retained status is republished with each telemetry (so <c>fleet status</c>'s
/// LAST SEEN is at most one interval old) without a journal line or a state change each time, and a watch or web
/// console started after the kiosk's decisions shows the kiosk's hour from its telemetry, with live decisions counted
/// once on top.
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed class FleetLastSeenAndHourTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task ALiveKioskRepublishesItsStatusWithEachTelemetrySoFleetStatusSeesItThereWithoutNewsInTheJournal()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        using var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/k1/status", "kiosk/v1/site-a/k1/telemetry");
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, o => o.TelemetryInterval = Interval, kioskId: "k1", loggers: loggers);
        await kiosk.StartAsync();

        await manager.WaitUntilAsync(() => manager.On("kiosk/v1/site-a/k1/status").Count() >= 4, "four statuses: the first and three refreshes");
        var statuses = manager.On("kiosk/v1/site-a/k1/status").Take(4).Select(m => m.Json).ToList();

        // The same status each time, only its time moves on.
        Assert.All(statuses, s => Assert.Equal(KioskState.Online, s.GetProperty("state").GetString()));
        Assert.Single(statuses.Select(WithoutAt).Distinct());
        var times = statuses.Select(s => s.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal(times.Count, times.Distinct().Count());

        // One journal line for the status as it came, the refreshes at Debug only (Information and above stay quiet).
        Assert.Equal(1, logs.Entries.Count(e => e.EventId == 730));
        Assert.True(logs.Entries.Count(e => e.EventId == 733 && e.Level == LogLevel.Debug) >= 3, "the refreshes are logged at Debug");

        // A change is still published at once, and is news.
        kiosk.Alerts.Raise(AlertKinds.CameraFault, "no frames");
        await manager.WaitForAsync(m => m.Topic.EndsWith("/status", StringComparison.Ordinal) && m.Json.GetProperty("state").GetString() == KioskState.Degraded, "degraded");
        await Poll.UntilAsync(() => logs.Entries.Count(e => e.EventId == 730) == 2, "the change in the journal");

        // fleet status: LAST SEEN is the newer of the retained status (refreshed) and any telemetry that came meanwhile.
        var before = manager.On("kiosk/v1/site-a/k1/status").Last().Json.GetProperty("at").GetDateTimeOffset();
        var status = await CliRunner.RunAsync("fleet", "status", "--mqtt", $"127.0.0.1:{broker.Port}", "--json");
        Assert.True(status.Code == 1, status.Out + status.Error); // degraded
        var row = JsonDocument.Parse(status.Out).RootElement.GetProperty("kiosks").EnumerateArray().Single();
        var lastSeen = row.GetProperty("lastSeen").GetDateTimeOffset();
        Assert.True(lastSeen >= before, $"last seen {lastSeen:O} is older than the status {before:O} published before the command");
        Assert.True(lastSeen >= row.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task AStoppedKiosksOfflineStaysRetainedNoRefreshBringsItBack()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/k1/status");
        var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, o => o.TelemetryInterval = Interval, kioskId: "k1");
        await kiosk.StartAsync();
        await manager.WaitUntilAsync(() => manager.On("kiosk/v1/site-a/k1/status").Count() >= 3, "the status and two refreshes");

        // A clean stop: offline, after which the telemetry loop and its refreshes are gone with the kiosk.
        await kiosk.DisposeAsync();
        await manager.WaitForAsync(m => m.Json.GetProperty("state").GetString() == KioskState.Offline, "offline");
        var telemetryTicks = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/+/telemetry");
        await using (telemetryTicks)
        {
            // Four intervals later a new reader still finds offline retained, and nothing followed it.
            await Task.Delay(Interval * 4);
            Assert.Empty(telemetryTicks.Messages);
        }

        Assert.Equal(KioskState.Offline, manager.On("kiosk/v1/site-a/k1/status").Last().Json.GetProperty("state").GetString());
        await using var late = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/k1/status");
        var retained = await late.WaitForAsync(_ => true, "the retained status");
        Assert.Equal(KioskState.Offline, retained.Json.GetProperty("state").GetString());
    }

    [Fact]
    public async Task AWatchAndTheWebConsoleStartedLateShowTheKiosksHourFromTelemetryAndCountALiveDecisionOnce()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        await using var kiosk = FleetTestKiosk.Create(broker.Port, Path.Combine(data.Path, "kiosk"), o => o.TelemetryInterval = Interval, kioskId: "k1");
        await kiosk.StartAsync();

        // The kiosk's morning so far, delivered before anyone watches.
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            kiosk.Recorder.Report(Decisions.Pass(now));
        }

        kiosk.Recorder.Report(Decisions.Valid(now, new Decision(Outcome.Refer, Reason.HealthStatus), HealthColor.Red));
        kiosk.Recorder.Report(Decisions.Valid(now, new Decision(Outcome.Refer, Reason.TemperatureHigh), temperature: 38.4));
        await Poll.UntilAsync(() => kiosk.Outbox.Depth == 0, "the decisions delivered");

        var settings = new FleetConsoleSettings(new FleetOptions { Host = "127.0.0.1", Port = broker.Port }, TimeSpan.FromSeconds(15));
        await using var session = await FleetConsoleSession.ConnectAsync(settings, TimeProvider.System, CancellationToken.None);
        var watch = new FleetWatchModel(settings.Prefix, null);
        session.MessageReceived += (message, at) => watch.OnMessage(message.Topic, message.Payload.ToArray(), message.Retain, at);
        Assert.Empty(await session.KeepSubscribedAsync(watch.Filters, CancellationToken.None));
        using var history = new FleetHistory(Path.Combine(data.Path, "history.db"), TimeSpan.FromHours(24), 10_000, TimeProvider.System);
        await using var web = await FleetLive.StartAsync(settings, history, null, TimeProvider.System, NullLogger.Instance, CancellationToken.None);
        await using var telemetry = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/k1/telemetry");

        // No decision event reached either, yet both show the hour from the kiosk's telemetry.
        await Poll.UntilAsync(() => Watch(watch) == (3, 2, "health_status:1 temperature_high:1") && Web(web) == (3, 2, "health_status:1 temperature_high:1"), "the hour from telemetry", detail: () => $"watch {Watch(watch)}, web {Web(web)}");
        var seeded = await telemetry.WaitForAsync(_ => true, "a telemetry");
        var hour = seeded.Json.GetProperty("lastHour");
        Assert.Equal(3, hour.GetProperty("pass").GetInt32());
        Assert.Equal(2, hour.GetProperty("refer").GetInt32());
        Assert.Equal(kiosk.Recorded.Events.OfType<DecisionEvent>().Min(e => e.Seq), hour.GetProperty("firstSeq").GetInt64());
        Assert.Equal(kiosk.Recorded.Events.OfType<DecisionEvent>().Max(e => e.Seq), hour.GetProperty("lastSeq").GetInt64());

        // A decision now: seen live at once, then in the kiosk's next telemetry too, and counted once all along.
        var telemetryBefore = telemetry.Messages.Count;
        kiosk.Recorder.Report(Decisions.Pass(DateTimeOffset.UtcNow));
        var seen = new List<(int, int)>();
        await Poll.UntilAsync(
            () =>
            {
                seen.Add((Watch(watch).Pass, Web(web).Pass));
                return telemetry.Messages.Count(m => m.Json.GetProperty("lastHour").GetProperty("pass").GetInt32() == 4) >= 3 && telemetry.Messages.Count > telemetryBefore;
            },
            "three telemetries that count the live decision");
        Assert.All(seen, s => Assert.True(s.Item1 is 3 or 4 && s.Item2 is 3 or 4, $"watch {s.Item1}, web {s.Item2}: counted twice"));
        Assert.Equal((4, 2, "health_status:1 temperature_high:1"), Watch(watch));
        Assert.Equal((4, 2, "health_status:1 temperature_high:1"), Web(web));
    }

    private static (int Pass, int Refer, string Reasons) Watch(FleetWatchModel model) =>
        model.Snapshot(DateTimeOffset.UtcNow).Rows.SingleOrDefault() is { Row: not null } r ? (r.Pass, r.Refer, r.Reasons) : (-1, -1, "no row");

    private static (int Pass, int Refer, string Reasons) Web(FleetLive live) =>
        live.Rows().SingleOrDefault() is { } r ? (r.Pass, r.Refer, r.Reasons) : (-1, -1, "no row");

    private static string WithoutAt(JsonElement status)
    {
        var node = JsonNode.Parse(status.GetRawText())!.AsObject();
        node.Remove("at");
        return node.ToJsonString();
    }
}
