using System.Text.Json;
using Kiosk.Core.Checkpoint;
using MQTTnet.Formatter;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>Events through a real Mosquitto: nothing lost across broker outages, status and telemetry.</summary>
[Collection(MosquittoCollection.Name)]
public sealed class FleetDeliveryTests
{
    [Fact]
    public async Task EveryEventArrivesExactlyOnceAfterDedupeWhenTheBrokerIsStoppedTenTimesMidStream()
    {
        await using var broker = await MosquittoBroker.StartAsync(persistence: true);
        using var data = new TempDirectory();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "fleet-manager-persistent", persistent: true, MqttProtocolVersion.V500, "kiosk/v1/site-a/kiosk-01/event/#");
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path);
        await kiosk.StartAsync();

        // The kiosk keeps deciding while the broker goes away ten times.
        const int MinimumEvents = 3000;
        var killsDone = new TaskCompletionSource();
        var producer = Task.Run(async () =>
        {
            var at = DateTimeOffset.UtcNow;
            for (var i = 0; i < MinimumEvents || !killsDone.Task.IsCompleted; i++)
            {
                if (i % 10 == 9)
                {
                    kiosk.Alerts.Notify(AlertKinds.AssistRequested, "assist button");
                }
                else
                {
                    kiosk.Recorder.Report(Decisions.Pass(at.AddMilliseconds(i)));
                }

                if (i % 5 == 0)
                {
                    // Paces the producer (events keep coming across the outages), not a wait for an outcome.
                    await Task.Delay(2);
                }
            }
        });

        var sessionsBefore = kiosk.Connection.SessionCount;
        var random = new Random(20261201); // seeded: the same outages every run
        for (var kill = 0; kill < 10; kill++)
        {
            // Random moments to stop and start the broker (the chaos), not waits for an outcome: each is followed by a
            // poll for what the kiosk must notice.
            await Task.Delay(random.Next(40, 160));
            await broker.StopAsync();
            await Poll.UntilAsync(() => !kiosk.Connectivity.Online, "the kiosk to notice the outage");
            await Task.Delay(random.Next(20, 200));
            await broker.RestartAsync();
            await Poll.UntilAsync(() => kiosk.Connectivity.Online, "the kiosk to reconnect");
        }

        killsDone.SetResult();
        await producer;
        await kiosk.DrainedAsync();

        var published = kiosk.Recorded.Events.Select(e => e.EventId).ToHashSet();
        var events = published.Count;
        Assert.True(events >= MinimumEvents);
        await manager.WaitUntilAsync(() => manager.Messages.Select(m => m.Json.GetProperty("eventId").GetGuid()).ToHashSet().Count >= events, "every event at the fleet manager", 90);

        var received = manager.Messages.Select(m => m.Json.GetProperty("eventId").GetGuid()).ToList();
        var unique = received.ToHashSet();
        Assert.True(unique.SetEquals(published), $"missing {published.Except(unique).Count()}, unexpected {unique.Except(published).Count()}");
        Assert.Equal(events, unique.Count);
        Assert.True(kiosk.Connection.SessionCount >= sessionsBefore + 10, $"the kiosk reconnected {kiosk.Connection.SessionCount - sessionsBefore} times");
        Assert.Equal(0, kiosk.Outbox.DroppedTotal);

        // Each topic carries its own kind, and the seq of what arrived is the seq that was made.
        var decisions = manager.Messages.Where(m => m.Topic.EndsWith("/event/decision", StringComparison.Ordinal)).Select(m => m.Json).ToList();
        Assert.All(decisions, d => Assert.Equal("pass", d.GetProperty("outcome").GetString()));
        var bySeq = kiosk.Recorded.Events.ToDictionary(e => e.EventId, e => e.Seq);
        Assert.All(manager.Messages, m => Assert.Equal(bySeq[m.Json.GetProperty("eventId").GetGuid()], m.Json.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task EventsPublishedWhileTheBrokerIsDownAreStoredAndSentInOrderAfterReconnect()
    {
        await using var broker = await MosquittoBroker.StartAsync(persistence: true);
        using var data = new TempDirectory();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "fleet-manager-outage", persistent: true, MqttProtocolVersion.V500, "kiosk/v1/site-a/kiosk-01/event/decision");
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path);
        await kiosk.StartAsync();
        await broker.StopAsync();
        await Poll.UntilAsync(() => !kiosk.Connectivity.Online, "the kiosk to notice the outage");

        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < 200; i++)
        {
            kiosk.Recorder.Report(Decisions.Pass(at.AddMilliseconds(i)));
        }

        Assert.Equal(200, kiosk.Outbox.Depth);
        await broker.RestartAsync();
        await kiosk.DrainedAsync();
        await manager.WaitUntilAsync(() => manager.Messages.Count >= 200, "the stored events");

        var seqs = manager.Messages.Select(m => m.Json.GetProperty("seq").GetInt64()).Distinct().ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(200, seqs.Count);
        Assert.True(kiosk.Connectivity.Online);
    }

    [Fact]
    public async Task StoredEventsSurviveAKioskRestartAndLeaveOnlyWhenAcknowledged()
    {
        using var data = new TempDirectory();
        var ids = new List<Guid>();

        // No broker reachable: the events wait in the file.
        var deadPort = MosquittoBroker.FreePort();
        await using (var offline = FleetTestKiosk.Create(deadPort, data.Path))
        {
            await offline.Service.StartAsync(CancellationToken.None);
            var at = DateTimeOffset.UtcNow;
            for (var i = 0; i < 50; i++)
            {
                offline.Recorder.Report(Decisions.Pass(at.AddMilliseconds(i)));
            }

            ids.AddRange(offline.Recorded.Events.Select(e => e.EventId));
            Assert.Equal(50, offline.Outbox.Depth);
        }

        await using var broker = await MosquittoBroker.StartAsync();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/kiosk-01/event/decision");
        await using var restarted = FleetTestKiosk.Create(broker.Port, data.Path);
        Assert.Equal(50, restarted.Outbox.Depth);
        await restarted.StartAsync();
        await restarted.DrainedAsync();
        await manager.WaitUntilAsync(() => manager.Messages.Count >= 50, "the events stored before the restart");
        Assert.Equal(ids.ToHashSet(), manager.Messages.Select(m => m.Json.GetProperty("eventId").GetGuid()).ToHashSet());
    }

    [Fact]
    public async Task StatusIsOnlineOnConnectDegradedWithProblemsOfflineOnCleanStop()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/kiosk-01/status");
        var kiosk = FleetTestKiosk.Create(broker.Port, data.Path);
        await kiosk.StartAsync();

        var online = await manager.WaitForAsync(m => State(m) == "online", "online");
        var json = online.Json;
        Assert.Equal(kiosk.Identity.BootId, json.GetProperty("bootId").GetGuid());
        Assert.Equal(kiosk.Identity.Version, json.GetProperty("version").GetString());
        Assert.Equal(0, json.GetProperty("problems").GetArrayLength());
        Assert.Equal("CN-HL", json.GetProperty("colorData").GetProperty("feed").GetString());
        Assert.Equal(42, json.GetProperty("colorData").GetProperty("seq").GetInt64());
        Assert.EndsWith("Z", json.GetProperty("colorData").GetProperty("inSyncAsOf").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("Z", json.GetProperty("at").GetString(), StringComparison.Ordinal);

        kiosk.Alerts.Raise(AlertKinds.ThermometerFault, "5 failed reads");
        var degraded = await manager.WaitForAsync(m => State(m) == "degraded", "degraded");
        Assert.Equal([AlertKinds.ThermometerFault], degraded.Json.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));

        kiosk.Alerts.Clear(AlertKinds.ThermometerFault);
        await manager.WaitUntilAsync(() => manager.Messages.Count(m => State(m) == "online") >= 2, "online again");

        await kiosk.DisposeAsync();
        await manager.WaitForAsync(m => State(m) == "offline", "offline");
        Assert.DoesNotContain(manager.Messages, m => State(m) == "lost");

        // Retained: a newcomer sees the last status at once.
        await using var newcomer = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/kiosk-01/status");
        var retained = await newcomer.WaitForAsync(_ => true, "the retained status");
        Assert.True(retained.Retain);
        Assert.Equal("offline", State(retained));
    }

    [Theory]
    [InlineData("5")]
    [InlineData("3.1.1")]
    public async Task TelemetryCarriesCountersOutboxAndLatencies(string protocol)
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/kiosk-01/telemetry");
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, o => o.Protocol = protocol);
        await kiosk.StartAsync();
        var at = DateTimeOffset.UtcNow;
        kiosk.Recorder.Report(Decisions.Pass(at));
        kiosk.Recorder.Report(Decisions.Valid(at, Decision.Refer(Reason.TemperatureHigh), temperature: 38.4));
        await kiosk.DrainedAsync();

        await kiosk.Telemetry.PublishOnceAsync(CancellationToken.None);
        var telemetry = (await manager.WaitForAsync(_ => true, "telemetry")).Json;
        Assert.False(manager.Messages.First().Retain);
        Assert.Equal(1, telemetry.GetProperty("counters").GetProperty("outcome").GetProperty("pass").GetInt64());
        Assert.Equal(1, telemetry.GetProperty("counters").GetProperty("outcome").GetProperty("refer").GetInt64());
        Assert.Equal(1, telemetry.GetProperty("counters").GetProperty("reason").GetProperty("temperature_high").GetInt64());
        Assert.Equal(0, telemetry.GetProperty("outboxDepth").GetInt64());
        Assert.True(telemetry.GetProperty("memMB").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, telemetry.GetProperty("ambientC").ValueKind);
        Assert.Equal(180, telemetry.GetProperty("latencyMs").GetProperty("decision").GetProperty("p95").GetDouble());
        Assert.Equal(JsonValueKind.Null, telemetry.GetProperty("latencyMs").GetProperty("scan").ValueKind);
        var cpu = telemetry.GetProperty("cpuTempC");
        Assert.Equal(File.Exists("/sys/class/thermal/thermal_zone0/temp") ? JsonValueKind.Number : JsonValueKind.Null, cpu.ValueKind);
        Assert.True(telemetry.GetProperty("uptimeS").GetDouble() >= 0);
    }

    [Fact]
    public async Task TelemetryGoesOutEveryIntervalOnTheInjectedClock()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/kiosk-01/telemetry");
        await using var kiosk = FleetTestKiosk.Create(broker.Port, data.Path, time: clock);
        Assert.Equal(TimeSpan.FromSeconds(60), kiosk.Options.TelemetryInterval);
        await kiosk.StartAsync();

        clock.Advance(TimeSpan.FromSeconds(59));
        clock.Advance(TimeSpan.FromSeconds(1));
        await manager.WaitUntilAsync(() => manager.Messages.Count >= 1, "the first telemetry");
        clock.Advance(TimeSpan.FromSeconds(60));
        await manager.WaitUntilAsync(() => manager.Messages.Count >= 2, "the second telemetry");
        Assert.Equal(120, manager.Messages.Last().Json.GetProperty("uptimeS").GetDouble());
    }

    private static string? State(ReceivedMessage m) => m.Json.GetProperty("state").GetString();
}

/// <summary>Broker tests start processes and sockets: run them one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MosquittoCollection
{
    public const string Name = "mosquitto";
}
