using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Mqtt;
using Kiosk.Service.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// A province's feed on a 3-node NATS cluster (JetStream, 3 replicas, MQTT 3.1.1): N kiosk feed links spread over
/// the nodes, one batch published once, the time until each has applied it (<c>fleet.cluster.batch_p99_ms</c>); then
/// the node a third of them use is killed, the next batch published at once, and the time until every kiosk has
/// applied it (<c>fleet.cluster.failover_s</c>).
/// </summary>
/// <remarks>
/// Each feed link is what the kiosk's <c>MqttFeedClient</c> does on the wire: the kiosk's reconnect loop
/// (<see cref="BrokerReconnectLoop"/>) over its list of brokers (each starting at its own node), a persistent 3.1.1
/// session, QoS 1, the retrying subscribe, and the acknowledgement only once the batch is applied; applying is
/// verifying the authority's signature and decoding (the store's write is the store's own figure). N: 200 with
/// <c>--quick</c>, else <c>KIOSK_BENCH_CLUSTER_N</c> (default 1000). Baselines, same N and batch: one Mosquitto
/// (batch), and the cluster's own batch time without a failure (failover).
/// </remarks>
public sealed class ClusterBench : IBenchmark
{
    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames { get; } = ["fleet.cluster.batch_p99_ms", "fleet.cluster.failover_s"];

    /// <inheritdoc />
    public async Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        if (NatsCluster.Executable is null)
        {
            Console.Error.WriteLine("cluster bench: skipped, nats-server is not installed (apt-get install nats-server)");
            return [];
        }

        var n = options.Quick ? 200 : int.Parse(Environment.GetEnvironmentVariable("KIOSK_BENCH_CLUSTER_N") ?? "1000", CultureInfo.InvariantCulture);
        using var authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicKey = ECDsa.Create(authority.ExportParameters(false));

        // Baseline: the same links on one Mosquitto (none without Mosquitto installed).
        double? mosquittoP99 = null;
        if (MosquittoBroker.Executable is not null)
        {
            await using var mosquitto = await MosquittoBroker.StartAsync();
            var links = await StartLinksAsync(n, i => [$"127.0.0.1:{mosquitto.Port}"], publicKey, cancellationToken);
            try
            {
                mosquittoP99 = Stats.Percentile(await PublishAndWaitAsync(links, mosquitto.Port, authority, 2, TimeSpan.FromSeconds(120), cancellationToken), 99);
            }
            finally
            {
                await StopAsync(links);
            }
        }

        await using var cluster = await NatsCluster.StartAsync();
        var nodes = cluster.Hosts;
        var start = Stopwatch.GetTimestamp();
        var clusterLinks = await StartLinksAsync(n, i => [.. nodes.Skip(i % 3), .. nodes.Take(i % 3)], publicKey, cancellationToken);
        Console.Error.WriteLine($"cluster bench: {n} feed links connected in {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s");
        try
        {
            var batch = await PublishAndWaitAsync(clusterLinks, cluster.MqttPorts[1], authority, 2, TimeSpan.FromSeconds(120), cancellationToken);
            var batchP99 = Stats.Percentile(batch, 99);

            // Node 0 dies; the next batch goes out at once (through node 1); every kiosk must have it.
            await cluster.KillAsync(0);
            var failover = await PublishAndWaitAsync(clusterLinks, cluster.MqttPorts[1], authority, 3, TimeSpan.FromSeconds(180), cancellationToken);
            var failoverS = failover.Max() / 1000;
            Console.Error.WriteLine($"cluster bench: N={n}, batch p50 {Stats.Median(batch):0} ms p99 {batchP99:0} ms max {batch.Max():0} ms; after the kill all in sync in {failoverS:0.0} s; Mosquitto p99 {mosquittoP99:0} ms");
            return
            [
                new Figure("fleet.cluster.batch_p99_ms", Math.Round(batchP99, 1), "ms", mosquittoP99 is { } m ? Math.Round(m, 1) : null),
                new Figure("fleet.cluster.failover_s", Math.Round(failoverS, 2), "s", Math.Round(batch.Max() / 1000, 2)),
            ];
        }
        finally
        {
            await StopAsync(clusterLinks);
            Console.Error.WriteLine("cluster bench: feed links stopped");
        }
    }

    /// <summary>Publishes batch <paramref name="seq"/> once (QoS 1) and returns each link's time to apply it, in ms.</summary>
    private static async Task<List<double>> PublishAndWaitAsync(IReadOnlyList<FeedLink> links, int port, ECDsa authority, ulong seq, TimeSpan within, CancellationToken cancellationToken)
    {
        var records = Enumerable.Range(0, 100).Select(i => new ColorRecord("CN-HL", new CodeId((ulong)i * 0x9E3779B97F4A7C15UL, seq), HealthColor.Green, (long)seq)).ToArray();
        var payload = FeedEncoder.Sign(new BatchMessage("CN-HL", seq, DateTimeOffset.UtcNow, records), authority);
        var waits = links.Select(l => l.Applied(seq)).ToArray();
        var start = Stopwatch.GetTimestamp();
        await Poll.UntilAsync(
            async () =>
            {
                using var client = new MqttClientFactory().CreateMqttClient();
                try
                {
                    await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("authority-" + Guid.NewGuid().ToString("N")[..8])
                        .WithProtocolVersion(MqttProtocolVersion.V311).WithTimeout(TimeSpan.FromSeconds(10)).Build(), cancellationToken);
                    await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("hc/v1/colors/batch").WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
                    await client.DisconnectAsync(cancellationToken: cancellationToken);
                    return true;
                }
                catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    return false;
                }
            },
            "the batch published",
            TimeSpan.FromSeconds(30),
            pause: TimeSpan.FromMilliseconds(100),
            cancellationToken: cancellationToken);
        var all = Task.WhenAll(waits);
        if (await Task.WhenAny(all, Task.Delay(within, cancellationToken)) != all)
        {
            throw new TimeoutException($"{waits.Count(w => !w.IsCompleted)} of {links.Count} kiosks did not apply batch {seq} within {within.TotalSeconds} s");
        }

        return waits.Select(w => Stopwatch.GetElapsedTime(start, w.Result).TotalMilliseconds).ToList();
    }

    private static async Task<IReadOnlyList<FeedLink>> StartLinksAsync(int n, Func<int, List<string>> hosts, ECDsa publicKey, CancellationToken cancellationToken)
    {
        var links = Enumerable.Range(0, n).Select(i => new FeedLink($"bench-{i:D5}-feed", hosts(i), publicKey)).ToList();
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(links.Select(async link =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                link.Start();
                await link.Subscribed.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }));
        return links;
    }

    /// <summary>Stops every link; one still tied up with a dying connection after 30 s is left to the process's end.</summary>
    private static async Task StopAsync(IReadOnlyList<FeedLink> links)
    {
        var all = Task.WhenAll(links.Select(l => l.StopAsync()));
        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30))) != all)
        {
            Console.Error.WriteLine("cluster bench: some feed links did not stop within 30 s");
        }
    }

    /// <summary>One kiosk's feed link as it is on the wire (see the class remarks).</summary>
    private sealed class FeedLink
    {
        private readonly string _clientId;
        private readonly BrokerReconnectLoop _loop;
        private readonly ECDsa _key;
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<ulong, TaskCompletionSource<long>> _applied = new();
        private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task? _run;

        public FeedLink(string clientId, List<string> hosts, ECDsa key)
        {
            _clientId = clientId;
            _key = key;
            var options = new Kiosk.Fleet.FeedLinkOptions { Hosts = hosts, Protocol = "3.1.1", ReconnectMin = TimeSpan.FromMilliseconds(500), ReconnectMax = TimeSpan.FromSeconds(5) };
            _loop = new BrokerReconnectLoop("ColorFeed", options, TimeProvider.System, NullLogger.Instance);
        }

        public Task Subscribed => _subscribed.Task;

        public Task<long> Applied(ulong seq) => _applied.GetOrAdd(seq, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public void Start() => _run = Task.Run(() => _loop.RunAsync(PeriodAsync, _stop.Token));

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            if (_run is not null)
            {
                await _run;
            }
        }

        private async Task<string> PeriodAsync(BrokerEndpoint broker, Action connected, CancellationToken stoppingToken)
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            client.DisconnectedAsync += e =>
            {
                lost.TrySetResult(e.Reason.ToString());
                return Task.CompletedTask;
            };
            client.ApplicationMessageReceivedAsync += async e =>
            {
                e.AutoAcknowledge = false;
                var decoded = FeedCodec.Decode(e.ApplicationMessage.Payload.ToArray(), _key);
                if (decoded.Message is BatchMessage batch)
                {
                    _applied.GetOrAdd(batch.Seq, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(Stopwatch.GetTimestamp());
                }

                try
                {
                    await e.AcknowledgeAsync(CancellationToken.None);
                }
                catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or ObjectDisposedException)
                {
                    // Redelivered on the next session.
                }
            };
            var result = await client.ConnectAsync(
                new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId(_clientId).WithProtocolVersion(MqttProtocolVersion.V311)
                    .WithCleanSession(false).WithKeepAlivePeriod(TimeSpan.FromSeconds(10)).WithTimeout(TimeSpan.FromSeconds(30)).Build(),
                stoppingToken);
            if (!result.IsSessionPresent)
            {
                var refused = await BrokerSubscriptions.SubscribeAsync(client, ["hc/v1/colors/batch"], MqttQualityOfServiceLevel.AtLeastOnce, TimeProvider.System, stoppingToken);
                if (refused.Count > 0)
                {
                    throw new IOException($"subscription refused ({refused[0].Code})");
                }
            }

            connected();
            _subscribed.TrySetResult();
            try
            {
                return await lost.Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(cancellationToken: CancellationToken.None);
                }

                throw;
            }
        }
    }
}
