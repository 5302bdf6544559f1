using HealthCode.Formats;
using Kiosk.Colors;
using Kiosk.Core.Checkpoint;
using Kiosk.Fleet;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Options;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary>Rule 10 over a real Mosquitto: the retained manifest and its retained parts, a bounded window, a part with the
/// wrong hash fetched again, a cleared part, and a fleet resync.</summary>
public sealed class MqttManifestFetchTests : IAsyncLifetime
{
    private readonly FeedWorld _w = new();
    private MosquittoBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _w.Dispose();
    }

    private BuiltManifest Province(ulong seq) => ManifestBuilder.Build(
        _w,
        seq,
        T0.AddMinutes((double)seq),
        Enumerable.Range(0, 600).Select(i => Record(i, (HealthColor)(i % 3), i)),
        Enumerable.Range(0, 400).Select(i => Document(i, (HealthColor)(i % 3), i)));

    private MqttFeedClient Client(int window = 2, TimeSpan? partTimeout = null, string? clientId = null) => new(_w.Processor, Options.Create(new FeedLinkOptions
    {
        Host = _broker.Host,
        Port = _broker.Port,
        ClientId = clientId ?? "kiosk-test-" + Guid.NewGuid().ToString("N")[..8],
        ReconnectMin = TimeSpan.FromMilliseconds(100),
        ReconnectMax = TimeSpan.FromSeconds(1),
        PartWindow = window,
        PartTimeout = partTimeout ?? TimeSpan.FromSeconds(30),
        PartRetryMin = TimeSpan.FromMilliseconds(200),
    }), Options.Create(new ColorFeedOptions()), TimeProvider.System);

    private async Task PublishManifestAsync(BuiltManifest built, Func<int, byte[]?>? partBytes = null)
    {
        await PublishAsync("hc/v1/colors/snapshot", built.Signed, retain: true);
        for (var i = 0; i < built.Parts.Count; i++)
        {
            if ((partBytes is null ? built.Parts[i] : partBytes(i)) is { } bytes)
            {
                await PublishAsync($"hc/v1/colors/snapshot/{built.Seq}/{i}", bytes, retain: true);
            }
        }
    }

    [Fact]
    public async Task RetainedManifestAndPartsAreFetchedThroughTheBrokerEachPartOnce()
    {
        var built = Province(3);
        Assert.True(built.Parts.Count >= 8, $"only {built.Parts.Count} parts");
        await PublishManifestAsync(built);

        using var client = Client(window: 2);
        await client.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => _w.Store.State.Seq == 3UL, "manifest applied from its retained parts");
            Assert.Equal(600, _w.Store.RecordCount);
            Assert.Equal(400, _w.Store.DocumentRecordCount);
            Assert.Equal((HealthColor.Yellow, 1L), _w.Lookup(Record(1, HealthColor.Green, 0)));
            Assert.Equal(built.Parts.Count, _w.Processor.PartsVerifiedCount);
            Assert.Equal(built.Parts.Count, client.PartsReceivedCount);
            Assert.Null(_w.Processor.Fetch);
            Assert.Equal(0, _w.Processor.RejectedCount);
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task AFetchInterruptedByARestartResumesFromDiskWithoutFetchingVerifiedPartsAgain()
    {
        var built = Province(7);
        await PublishManifestAsync(built);
        var id = "kiosk-test-" + Guid.NewGuid().ToString("N")[..8];
        var first = Client(window: 1, clientId: id);
        await first.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => _w.Processor.PartsVerifiedCount >= 3, "three parts verified");
        await first.StopAsync(CancellationToken.None);
        first.Dispose();
        var kept = Directory.GetFiles(Path.Combine(_w.Directory, ManifestStaging.FolderName), "part-*.cbor").Length;
        Assert.InRange(kept, 3, built.Parts.Count - 1);
        Assert.Null(_w.Store.State.Seq);

        // A new process on the same data directory and session.
        _w.Reopen();
        using var second = Client(window: 1, clientId: id);
        await second.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => _w.Store.State.Seq == 7UL, "the fetch resumed and applied");
            Assert.Equal(built.Parts.Count - kept, _w.Processor.PartsVerifiedCount);
            Assert.Equal(600, _w.Store.RecordCount);
        }
        finally
        {
            await second.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task APartWithTheWrongHashIsReportedAndFetchedAgainUntilTheRightOneIsThere()
    {
        var built = Province(4);
        var forged = built.Parts[1].ToArray();
        forged[^1] ^= 1;
        await PublishManifestAsync(built, i => i == 1 ? forged : built.Parts[i]);

        using var client = Client(window: 4);
        await client.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => _w.Processor.RejectedCount >= 2, "the forged part rejected, and again after the back-off");
            Assert.Contains(_w.Alerts.History, a => a.Kind == AlertKinds.FeedMessageRejected);
            Assert.Null(_w.Store.State.Seq);
            // The other parts verify in their own time (each on the loader thread): wait for them, do not race them.
            await Poll.UntilAsync(() => _w.Processor.Fetch?.PartsVerified == built.Parts.Count - 1, "every other part verified");

            await PublishAsync("hc/v1/colors/snapshot/4/1", built.Parts[1], retain: true);
            await Poll.UntilAsync(() => _w.Store.State.Seq == 4UL, "applied once the right part is retained");
            Assert.Equal(600, _w.Store.RecordCount);
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task AClearedOrAbsentPartAbandonsTheManifestWithoutAnAlert()
    {
        var built = Province(5);
        await PublishManifestAsync(built, i => i == 2 ? null : built.Parts[i]);

        using var client = Client(window: 8, partTimeout: TimeSpan.FromSeconds(1));
        await client.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => _w.Processor.Fetch is null && client.PartsReceivedCount >= built.Parts.Count - 1, "manifest abandoned for its absent part");
            Assert.Null(_w.Store.State.Seq);
            Assert.Equal(0, _w.Processor.RejectedCount);
            Assert.DoesNotContain(_w.Alerts.History, a => a.Kind == AlertKinds.FeedMessageRejected);
            Assert.False(Directory.Exists(Path.Combine(_w.Directory, ManifestStaging.FolderName)) && Directory.GetFiles(Path.Combine(_w.Directory, ManifestStaging.FolderName), "part-*").Length > 0);
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task ResyncAsksForTheRetainedManifestAgainAndFetchesItWhileDecidingOnTheCurrentState()
    {
        var built = Province(6);
        await PublishManifestAsync(built);
        using var client = Client(window: 3);
        await client.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => _w.Store.State.Seq == 6UL, "first fetch applied");
            var first = _w.Processor.PartsVerifiedCount;

            _w.Processor.Resync();
            Assert.Equal(600, _w.Store.RecordCount);
            await Poll.UntilAsync(() => _w.Processor.PartsVerifiedCount == 2 * first && _w.Processor.Fetch is null, "the retained manifest fetched again after resync");
            Assert.Equal(6UL, _w.Store.State.Seq);
            Assert.Equal(600, _w.Store.RecordCount);
            Assert.False(File.Exists(Path.Combine(_w.Directory, ManifestStaging.FolderName, "resync")));
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
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
