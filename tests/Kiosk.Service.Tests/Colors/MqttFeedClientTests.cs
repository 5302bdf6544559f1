using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Colors;
using Kiosk.Fleet;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Options;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary>The feed client against a real Mosquitto: retained snapshot, batches, a forged message, broker restart.</summary>
public sealed class MqttFeedClientTests : IAsyncLifetime
{
    private readonly FeedWorld _w = new();
    private MosquittoBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _w.Dispose();
    }

    [Fact]
    public async Task RetainedSnapshotThenBatchesThenABrokerRestartAndReconnect()
    {
        var snapshot = _w.Sign(_w.Snapshot(1, T0, Enumerable.Range(0, 5000).Select(i => Record(i, (HealthColor)(i % 3), 100)).ToArray()));
        await PublishAsync("hc/v1/colors/snapshot", snapshot, retain: true);

        var client = new MqttFeedClient(_w.Processor, Options.Create(new FeedLinkOptions
        {
            Host = _broker.Host,
            Port = _broker.Port,
            ClientId = "kiosk-test-" + Guid.NewGuid().ToString("N")[..8],
            ReconnectMin = TimeSpan.FromMilliseconds(100),
            ReconnectMax = TimeSpan.FromSeconds(1),
        }), Options.Create(new ColorFeedOptions()), TimeProvider.System);
        await client.StartAsync(CancellationToken.None);
        try
        {
            // The retained snapshot arrives on subscribe.
            await Poll.UntilAsync(() => _w.Store.State.Seq == 1UL, "retained snapshot applied");
            Assert.Equal(5000, _w.Store.RecordCount);

            // A batch (not retained) is applied.
            await PublishAsync("hc/v1/colors/batch", _w.Sign(_w.Batch(2, T0.AddMinutes(1), Record(0, HealthColor.Red, 200))), retain: false);
            await Poll.UntilAsync(() => _w.Store.State.Seq == 2UL, "batch 2 applied");
            Assert.Equal((HealthColor.Red, 200L), _w.Lookup(Record(0, HealthColor.Green, 0)));

            // A forged batch is dropped and reported; state unchanged.
            using (var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
            {
                await PublishAsync("hc/v1/colors/batch", FeedEncoder.Sign(_w.Batch(3, T0.AddMinutes(2), Record(1, HealthColor.Red, 900)), other), retain: false);
            }

            await Poll.UntilAsync(() => _w.Processor.RejectedCount == 1, "forged batch rejected");
            Assert.Equal(2UL, _w.Store.State.Seq);
            Assert.Contains(_w.Alerts.History, a => a.Kind == Kiosk.Core.Checkpoint.AlertKinds.FeedMessageRejected);

            // The broker dies and comes back on the same port (empty: no persistence); the client reconnects and resubscribes.
            await _broker.StopAsync(kill: true);
            await _broker.RestartAsync();
            await Poll.UntilAsync(() => client.ConnectionCount >= 2 && client.IsConnected, "reconnected after broker restart");
            await PublishAsync("hc/v1/colors/batch", _w.Sign(_w.Batch(3, T0.AddMinutes(3), Record(1, HealthColor.Red, 300))), retain: false);
            await PublishAsync("hc/v1/colors/heartbeat", _w.Sign(_w.Heartbeat(3, T0.AddMinutes(4))), retain: true);
            await Poll.UntilAsync(() => _w.Store.State.InSyncAsOf == T0.AddMinutes(4), "batch 3 and heartbeat applied after reconnect");
            Assert.Equal(3UL, _w.Store.State.Seq);
            Assert.False(_w.Store.State.OutOfSync);
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
            client.Dispose();
        }
    }

    [Fact]
    public async Task WithoutABrokerTheClientKeepsRetryingAndConnectsWhenOneAppears()
    {
        await _broker.StopAsync();
        var client = new MqttFeedClient(_w.Processor, Options.Create(new FeedLinkOptions
        {
            Host = _broker.Host,
            Port = _broker.Port,
            ClientId = "kiosk-test-" + Guid.NewGuid().ToString("N")[..8],
            ReconnectMin = TimeSpan.FromMilliseconds(50),
            ReconnectMax = TimeSpan.FromMilliseconds(400),
        }), Options.Create(new ColorFeedOptions()), TimeProvider.System);
        await client.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => client.FailedAttempts >= 2, "two refused connection attempts");
            Assert.False(client.IsConnected);
            Assert.Equal(0, client.ConnectionCount);
            await _broker.RestartAsync();
            await PublishAsync("hc/v1/colors/snapshot", _w.Sign(_w.Snapshot(4, T0, Record(1, HealthColor.Yellow, 10))), retain: true);
            await Poll.UntilAsync(() => _w.Store.State.Seq == 4UL, "snapshot applied once the broker appeared");
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
            client.Dispose();
        }
    }

    [Fact]
    public async Task ASnapshotOfTensOfMegabytesPassesThroughTheBroker()
    {
        var records = Enumerable.Range(0, 400_000).Select(i => Record(i, (HealthColor)(i % 3), i)).ToArray();
        var snapshot = _w.Sign(_w.Snapshot(9, T0, records));
        Assert.True(snapshot.Length > 10_000_000);
        await PublishAsync("hc/v1/colors/snapshot", snapshot, retain: true);
        var client = new MqttFeedClient(_w.Processor, Options.Create(new FeedLinkOptions
        {
            Host = _broker.Host,
            Port = _broker.Port,
            ClientId = "kiosk-test-" + Guid.NewGuid().ToString("N")[..8],
        }), Options.Create(new ColorFeedOptions()), TimeProvider.System);
        await client.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => _w.Store.State.Seq == 9UL, "large retained snapshot applied");
            Assert.Equal(records.Length, _w.Store.RecordCount);
            Assert.Equal((records[^1].Color, records[^1].ColorTime), _w.Lookup(records[^1]));
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
            client.Dispose();
        }
    }

    private async Task PublishAsync(string topic, byte[] payload, bool retain)
    {
        using var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(_broker.Host, _broker.Port).WithClientId("publisher-" + Guid.NewGuid().ToString("N")[..8]).Build());
        await publisher.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build());
        await publisher.DisconnectAsync();
    }
}
