using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Kiosk.Service.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// The fleet link on loopback (Mosquitto when on PATH, else the embedded MQTTnet broker): decision-to-PUBACK latency
/// through the durable outbox, outbox drain rate after an outage, and a thousand kiosks in one process.
/// Baselines: a bare MQTTnet client doing the same publishes (round trip per QoS 1 publish, one at a time).
/// </summary>
public sealed class FleetBench : IBenchmark
{
    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames { get; } = ["fleet.event_p99_ms", "fleet.outbox_drain_per_s", "fleet.kiosks_1000.event_p99_ms"];

    /// <inheritdoc />
    public async Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        await using var broker = await BenchBroker.StartAsync(cancellationToken);
        var root = Path.Combine(Path.GetTempPath(), "kiosk-fleet-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            var eventP99 = await EventLatencyAsync(broker.Port, root, options.Quick ? 300 : 2000, cancellationToken);
            var drain = await DrainAsync(broker.Port, root, 20_000, options.Quick ? 2_000 : 20_000, cancellationToken);
            var fleet = await ThousandKiosksAsync(broker.Port, root, 1000, options.Quick ? 4 : 20, cancellationToken);
            Console.Error.WriteLine($"fleet bench broker: {broker.Name}");
            return
            [
                new Figure("fleet.event_p99_ms", Math.Round(eventP99.Ours, 3), "ms", Math.Round(eventP99.Baseline, 3)),
                new Figure("fleet.outbox_drain_per_s", Math.Round(drain.Ours, 0), "events/s", Math.Round(drain.Baseline, 0)),
                new Figure("fleet.kiosks_1000.event_p99_ms", Math.Round(fleet.Ours, 3), "ms", Math.Round(fleet.Baseline, 3)),
            ];
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }

    // Decision (Report) → outbox commit → QoS 1 publish → PUBACK, one at a time; baseline: bare PublishAsync QoS 1.
    private static async Task<(double Ours, double Baseline)> EventLatencyAsync(int port, string root, int count, CancellationToken cancellationToken)
    {
        var latencies = new List<double>(count);
        await using (var kiosk = await BenchKiosk.StartAsync(port, Path.Combine(root, "latency"), "bench-latency", cancellationToken))
        {
            for (var i = 0; i < count + 50; i++)
            {
                var acknowledged = kiosk.NextAcknowledgement();
                kiosk.Report();
                var ms = await acknowledged.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                if (i >= 50)
                {
                    latencies.Add(ms);
                }
            }
        }

        var baseline = new List<double>(count);
        using var client = await BareClientAsync(port, "bench-bare", cancellationToken);
        var payload = SamplePayload();
        for (var i = 0; i < count + 50; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.PublishAsync(Message("kiosk/v1/bench/bench-bare/event/decision", payload), cancellationToken);
            if (i >= 50)
            {
                baseline.Add(Stats.ElapsedMs(start));
            }
        }

        await client.DisconnectAsync(cancellationToken: cancellationToken);
        Console.Error.WriteLine($"fleet.event: p50 {Stats.Percentile(latencies, 50):F2} p90 {Stats.Percentile(latencies, 90):F2} p99 {Stats.Percentile(latencies, 99):F2} ms; bare p50 {Stats.Percentile(baseline, 50):F2} p99 {Stats.Percentile(baseline, 99):F2} ms");
        return (Stats.Percentile(latencies, 99), Stats.Percentile(baseline, 99));
    }

    // N events stored during an outage, then the broker comes back: events/s until the outbox is empty.
    // Baseline: one-at-a-time QoS 1 publishes, each awaiting its PUBACK.
    private static async Task<(double Ours, double Baseline)> DrainAsync(int port, string root, int queued, int baselineCount, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(root, "drain");
        double ours;
        {
            await using (var filler = BenchKiosk.Create(port, directory, "bench-drain"))
            {
                filler.Fill(queued);
            }

            await using var kiosk = BenchKiosk.Create(port, directory, "bench-drain");
            if (kiosk.Outbox.Depth != queued)
            {
                throw new InvalidOperationException($"outbox holds {kiosk.Outbox.Depth}, expected {queued}");
            }

            kiosk.Start();
            await kiosk.Connection.WaitForSessionAsync(cancellationToken);
            var start = Stopwatch.GetTimestamp();
            while (kiosk.Outbox.Depth > 0)
            {
                await Task.Delay(2, cancellationToken);
            }

            ours = queued / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        using var client = await BareClientAsync(port, "bench-drain-bare", cancellationToken);
        var payload = SamplePayload();
        var bareStart = Stopwatch.GetTimestamp();
        for (var i = 0; i < baselineCount; i++)
        {
            await client.PublishAsync(Message("kiosk/v1/bench/bench-drain-bare/event/decision", payload), cancellationToken);
        }

        var baseline = baselineCount / Stopwatch.GetElapsedTime(bareStart).TotalSeconds;
        await client.DisconnectAsync(cancellationToken: cancellationToken);
        return (ours, baseline);
    }

    // 1,000 kiosk fleet links in one process, one decision per second each (spread over the second).
    private static async Task<(double Ours, double Baseline)> ThousandKiosksAsync(int port, string root, int kiosks, int seconds, CancellationToken cancellationToken)
    {
        var latencies = new ConcurrentBag<double>();
        var fleet = new BenchKiosk[kiosks];

        // One process plays a thousand kiosks, each doing blocking SQLite commits on pool threads: give the pool
        // the threads a thousand separate processes would have had, instead of measuring its injection delay.
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, 128), Math.Max(minIo, 128));
        try
        {
            for (var i = 0; i < kiosks; i++)
            {
                fleet[i] = BenchKiosk.Create(port, Path.Combine(root, "fleet", i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)), $"k{i:D4}");
                fleet[i].Latency += latencies.Add;
                fleet[i].Start();
            }

            foreach (var kiosk in fleet)
            {
                await kiosk.Connection.WaitForSessionAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
            }

            var reported = 0;
            await PaceAsync(kiosks, seconds, i =>
            {
                fleet[i].Report();
                Interlocked.Increment(ref reported);
            }, cancellationToken);
            var deadline = Stopwatch.GetTimestamp();
            while ((Volatile.Read(ref reported) < kiosks * seconds || latencies.Count < Volatile.Read(ref reported)) && Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(10, cancellationToken);
            }
        }
        finally
        {
            await Task.WhenAll(fleet.Where(k => k is not null).Select(k => k.DisposeAsync().AsTask()));
        }

        ThreadPool.SetMinThreads(minWorkers, minIo);

        var clients = new IMqttClient[kiosks];
        var baseline = new ConcurrentBag<double>();
        try
        {
            for (var i = 0; i < kiosks; i++)
            {
                clients[i] = await BareClientAsync(port, $"bare{i:D4}", cancellationToken);
            }

            var payload = SamplePayload();
            var pending = new ConcurrentBag<Task>();
            await PaceAsync(kiosks, seconds, i => pending.Add(Task.Run(async () =>
            {
                var start = Stopwatch.GetTimestamp();
                await clients[i].PublishAsync(Message($"kiosk/v1/bench/bare{i:D4}/event/decision", payload), cancellationToken);
                baseline.Add(Stats.ElapsedMs(start));
            }, cancellationToken)), cancellationToken);
            await Task.WhenAll(pending);
        }
        finally
        {
            foreach (var client in clients.Where(c => c is not null))
            {
                client.Dispose();
            }
        }

        var ours = latencies.ToArray();
        var bare = baseline.ToArray();
        Console.Error.WriteLine($"fleet.kiosks: {ours.Length} events, p50 {Stats.Percentile(ours, 50):F2} p90 {Stats.Percentile(ours, 90):F2} p99 {Stats.Percentile(ours, 99):F2} ms; bare {bare.Length}, p50 {Stats.Percentile(bare, 50):F2} p99 {Stats.Percentile(bare, 99):F2} ms");
        return (Stats.Percentile(ours, 99), Stats.Percentile(bare, 99));
    }

    // Kiosk i acts at i/kiosks of every second.
    private static async Task PaceAsync(int kiosks, int seconds, Action<int> act, CancellationToken cancellationToken)
    {
        const int Slots = 100; // every 10 ms
        var perSlot = (kiosks + Slots - 1) / Slots;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000.0 / Slots));
        for (var tick = 0; tick < seconds * Slots; tick++)
        {
            await timer.WaitForNextTickAsync(cancellationToken);
            var first = tick % Slots * perSlot;
            for (var i = first; i < Math.Min(first + perSlot, kiosks); i++)
            {
                var kiosk = i;
                ThreadPool.UnsafeQueueUserWorkItem(_ => act(kiosk), null);
            }
        }
    }

    private static async Task<IMqttClient> BareClientAsync(int port, string clientId, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).WithCleanStart(true)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromSeconds(30)).Build(), cancellationToken);
        return client;
    }

    private static MqttApplicationMessage Message(string topic, byte[] payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private static byte[] SamplePayload() =>
        System.Text.Encoding.UTF8.GetBytes(EventJson.Serialize(BenchKiosk.SampleRecorder().Create(BenchKiosk.SampleRecord())));

    /// <summary>
    /// A kiosk's fleet link for the benchmarks: the tests' in-process kiosk (<see cref="FleetTestKiosk"/>: event
    /// recorder → SQLite outbox → sender → broker, with status, telemetry and commands), with a first event sink that
    /// stamps each decision just before the outbox commits it.
    /// </summary>
    private sealed class BenchKiosk : IAsyncDisposable, IEventSink
    {
        private static readonly byte[] Secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        private readonly ConcurrentDictionary<Guid, long> _stamps = new();
        private TaskCompletionSource<double>? _next;

        private BenchKiosk(int port, string directory, string kioskId)
        {
            Kiosk = FleetTestKiosk.Create(port, directory, o =>
            {
                o.KeepAlive = TimeSpan.FromSeconds(60);
                o.Timeout = TimeSpan.FromSeconds(30);
                o.ReconnectMin = TimeSpan.FromMilliseconds(200);
                o.ReconnectMax = TimeSpan.FromSeconds(5);
            }, kioskId, site: "bench", first: this);
            Kiosk.Sender.Acknowledged += OnAcknowledged;
        }

        public event Action<double>? Latency;

        public FleetTestKiosk Kiosk { get; }

        public SqliteOutbox Outbox => Kiosk.Outbox;

        public FleetConnection Connection => Kiosk.Connection;

        public static BenchKiosk Create(int port, string directory, string kioskId) => new(port, directory, kioskId);

        public static async Task<BenchKiosk> StartAsync(int port, string directory, string kioskId, CancellationToken cancellationToken)
        {
            var kiosk = Create(port, directory, kioskId);
            kiosk.Start();
            await kiosk.Connection.WaitForSessionAsync(cancellationToken);
            return kiosk;
        }

        public static DecisionEventRecorder SampleRecorder() => new(new InMemoryEventSequence(), [], new CodeRefHasher(Secret), new DecisionCounters());

        public static DecisionRecord SampleRecord()
        {
            var now = DateTimeOffset.UtcNow;
            var claim = new HealthCodeClaim(new CodeId((ulong)Random.Shared.NextInt64(), (ulong)Random.Shared.NextInt64()), HealthColor.Green, 1_700_000_000, "*", false);
            return new DecisionRecord(new Decision(Outcome.Pass, Reason.Ok), new VerifiedCode(CodeVerdict.Valid, "CN-HL", claim), new TemperatureResult(36.6, null, 22.0, false), now.AddMilliseconds(-150), now);
        }

        public void Start() => _ = Kiosk.Start();

        public Task<double> NextAcknowledgement()
        {
            _next = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _next.Task;
        }

        public void Report() => Kiosk.Recorder.Report(SampleRecord());

        public void Fill(int count)
        {
            const int Chunk = 1000;
            for (var done = 0; done < count; done += Chunk)
            {
                var batch = Enumerable.Range(0, Math.Min(Chunk, count - done)).Select(_ => (KioskEvent)Kiosk.Recorder.Create(SampleRecord())).ToArray();
                Outbox.PublishBatch(batch);
            }
        }

        // The first sink: stamps the decision just before the outbox commits it.
        public void Publish(KioskEvent kioskEvent) => _stamps[kioskEvent.EventId] = Stopwatch.GetTimestamp();

        public ValueTask DisposeAsync() => Kiosk.DisposeAsync();

        private void OnAcknowledged(OutboxEntry entry)
        {
            if (_stamps.TryRemove(entry.EventId, out var start))
            {
                var ms = Stats.ElapsedMs(start);
                Latency?.Invoke(ms);
                _next?.TrySetResult(ms);
            }
        }
    }

    /// <summary>Mosquitto on a free loopback port when installed, else the embedded MQTTnet broker (the fleet benchmarks share it).</summary>
    internal sealed class BenchBroker : IAsyncDisposable
    {
        private Process? _mosquitto;
        private EmbeddedBroker? _embedded;
        private string? _directory;

        public int Port { get; private set; }

        public string Name => _mosquitto is not null ? "mosquitto" : "embedded MQTTnet";

        public static async Task<BenchBroker> StartAsync(CancellationToken cancellationToken)
        {
            var broker = new BenchBroker();
            var executable = new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }.FirstOrDefault(File.Exists);
            if (executable is not null)
            {
                broker._directory = Path.Combine(Path.GetTempPath(), "kiosk-bench-mosquitto-" + Guid.NewGuid().ToString("N")[..8]);
                Directory.CreateDirectory(broker._directory);
                broker.Port = FreePort();
                var config = Path.Combine(broker._directory, "mosquitto.conf");
                await File.WriteAllTextAsync(config, $"user root\nlistener {broker.Port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nlog_dest none\n", cancellationToken);
                broker._mosquitto = Process.Start(new ProcessStartInfo(executable, ["-c", config]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
                var start = Stopwatch.GetTimestamp();
                while (!await CanConnectAsync(broker.Port))
                {
                    if (Stopwatch.GetElapsedTime(start) > TimeSpan.FromSeconds(10))
                    {
                        throw new InvalidOperationException("mosquitto did not start");
                    }

                    await Task.Delay(20, cancellationToken);
                }
            }
            else
            {
                broker._embedded = new EmbeddedBroker(0, NullLogger<EmbeddedBroker>.Instance);
                broker.Port = await broker._embedded.StartAsync(cancellationToken);
            }

            return broker;
        }

        public async ValueTask DisposeAsync()
        {
            if (_mosquitto is { } process)
            {
                process.Kill();
                await process.WaitForExitAsync();
                process.Dispose();
                Directory.Delete(_directory!, recursive: true);
            }

            if (_embedded is not null)
            {
                await _embedded.DisposeAsync();
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static async Task<bool> CanConnectAsync(int port)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
