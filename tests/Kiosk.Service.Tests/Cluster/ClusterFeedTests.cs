using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using HealthCode.Formats;
using Kiosk.Colors;
using Kiosk.Fleet;
using Kiosk.Service.Tests.Colors;
using Kiosk.Service.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Microsoft.Extensions.Options;
using ToolFactAttribute = Kiosk.Service.Tests.Deploy.ToolFactAttribute;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Cluster;

/// <summary>
/// The color feed on a real 3-node NATS cluster: a retained snapshot, batches and a heartbeat reach the feed client
/// (MQTT 3.1.1, persistent session on JetStream); killing the node it uses moves it to another, the batch published
/// meanwhile still arrives, and the retained snapshot and a manifest's retained parts are intact on the other nodes.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class ClusterFeedTests(NatsClusterFixture fixture) : IClassFixture<NatsClusterFixture>, IDisposable
{
    private readonly FeedWorld _w = new();

    private NatsCluster Cluster => fixture.Cluster;

    public void Dispose() => _w.Dispose();

    [ToolFact("nats-server")]
    public async Task SnapshotBatchesAndHeartbeatArriveAndSurviveTheLossOfTheNodeTheFeedClientUses()
    {
        var snapshot = _w.Sign(_w.Snapshot(1, T0, Enumerable.Range(0, 2000).Select(i => Record(i, (HealthColor)(i % 3), 100)).ToArray()));
        await PublishAsync(1, "hc/v1/colors/snapshot", snapshot, retain: true);

        // A province's parts are retained beside the snapshot topic (color-feed.md); the largest a part may be, 1 MiB.
        var parts = Enumerable.Range(0, 3).Select(i => RandomNumberGenerator.GetBytes(i == 0 ? 1_048_576 : 200_000 + i)).ToArray();
        for (var i = 0; i < parts.Length; i++)
        {
            await PublishAsync(2, $"hc/v1/colors/snapshot/7/{i}", parts[i], retain: true);
        }

        var client = new MqttFeedClient(_w.Processor, Options.Create(new FeedLinkOptions
        {
            Host = string.Empty,
            Hosts = Cluster.Hosts,
            Protocol = "3.1.1",
            ClientId = FeedLinkOptions.ClientIdFor("kiosk-feed-c"),
            ReconnectMin = TimeSpan.FromMilliseconds(100),
            ReconnectMax = TimeSpan.FromSeconds(1),
        }), Options.Create(new ColorFeedOptions()), TimeProvider.System);
        await client.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => _w.Store.State.Seq == 1UL, "the retained snapshot applied");
            Assert.Equal(2000, _w.Store.RecordCount);
            Assert.Equal(Cluster.MqttPorts[0], client.Broker!.Port);

            await PublishAsync(2, "hc/v1/colors/batch", _w.Sign(_w.Batch(2, T0.AddMinutes(1), Record(0, HealthColor.Red, 200))), retain: false);
            await PublishAsync(1, "hc/v1/colors/heartbeat", _w.Sign(_w.Heartbeat(2, T0.AddMinutes(2))), retain: true);
            await Poll.UntilAsync(() => _w.Store.State.InSyncAsOf == T0.AddMinutes(2), "batch 2 and the heartbeat applied");

            // The node dies; a batch is published while the client is on its way to another node: its session holds it.
            var connections = client.ConnectionCount;
            await Cluster.KillAsync(0);
            await PublishAsync(2, "hc/v1/colors/batch", _w.Sign(_w.Batch(3, T0.AddMinutes(3), Record(1, HealthColor.Red, 300))), retain: false);
            await Poll.UntilAsync(
                () => client.ConnectionCount > connections && client.IsConnected,
                "the feed client connected to another node",
                TimeSpan.FromSeconds(10));
            Assert.NotEqual(Cluster.MqttPorts[0], client.Broker!.Port);
            await Poll.UntilAsync(() => _w.Store.State.Seq == 3UL, "batch 3 (published during the failover) applied", detail: () => $"seq {_w.Store.State.Seq}");
            Assert.Equal((HealthColor.Red, 300L), _w.Lookup(Record(1, HealthColor.Green, 0)));
            Assert.True(_w.Store.State.OutOfSync is false);

            // The retained state is intact on the surviving nodes, byte for byte.
            var retained = await ReadRetainedAsync(1, ["hc/v1/colors/snapshot", "hc/v1/colors/snapshot/7/+", "hc/v1/colors/heartbeat"], 5);
            Assert.Equal(snapshot, retained["hc/v1/colors/snapshot"]);
            for (var i = 0; i < parts.Length; i++)
            {
                Assert.Equal(parts[i], retained[$"hc/v1/colors/snapshot/7/{i}"]);
            }
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
            client.Dispose();
            if (!Cluster.IsRunning(0))
            {
                await Cluster.RestartAsync(0);
            }
        }
    }

    /// <summary>Publishes as the authority does: QoS 1, again until acknowledged (a node losing a stream leader drops the connection meanwhile).</summary>
    private async Task PublishAsync(int node, string topic, byte[] payload, bool retain)
    {
        string? error = null;
        await Poll.UntilAsync(
            async () =>
            {
                using var client = new MqttClientFactory().CreateMqttClient();
                try
                {
                    await client.ConnectAsync(Login(node, "authority-" + Guid.NewGuid().ToString("N")[..8]));
                    var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                    await client.DisconnectAsync();
                    error = result.IsSuccess ? null : result.ReasonCode.ToString();
                    return result.IsSuccess;
                }
                catch (MQTTnet.Exceptions.MqttCommunicationException ex)
                {
                    error = ex.Message;
                    return false;
                }
            },
            $"the publish to {topic} acknowledged",
            TimeSpan.FromSeconds(30),
            pause: TimeSpan.FromMilliseconds(200),
            detail: () => error ?? "-");
    }

    /// <summary>The retained messages under <paramref name="filters"/> read from node <paramref name="node"/> until <paramref name="count"/> topics have come.</summary>
    private async Task<IReadOnlyDictionary<string, byte[]>> ReadRetainedAsync(int node, string[] filters, int count)
    {
        var received = new ConcurrentDictionary<string, byte[]>();
        var all = new ConcurrentQueue<string>();
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            all.Enqueue($"{e.ApplicationMessage.Topic} {e.ApplicationMessage.Payload.Length} {e.ApplicationMessage.Retain}");
            if (e.ApplicationMessage.Retain)
            {
                received[e.ApplicationMessage.Topic] = e.ApplicationMessage.Payload.ToArray();
            }

            return Task.CompletedTask;
        };
        await client.ConnectAsync(Login(node, "reader-" + Guid.NewGuid().ToString("N")[..8]));
        var refused = await Kiosk.Mqtt.BrokerSubscriptions.SubscribeAsync(client, filters, MqttQualityOfServiceLevel.AtLeastOnce, TimeProvider.System, CancellationToken.None);
        var codes = refused.Select(r => $"{r.Filter}={r.Code}");

        await Poll.UntilAsync(() => received.Count >= count, $"{count} retained messages", detail: () => $"{string.Join(", ", all)}; subscribed {string.Join(", ", codes)}; connected {client.IsConnected}; {Cluster.Log(node)}");
        await client.DisconnectAsync();
        return received;
    }

    private MqttClientOptions Login(int node, string clientId) =>
        new MqttClientOptionsBuilder().WithTcpServer(Cluster.Host, Cluster.MqttPorts[node]).WithClientId(clientId).WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(true).WithTimeout(TimeSpan.FromSeconds(10)).Build();
}
