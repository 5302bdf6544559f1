using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Service.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace HealthCode.Authority.Tests;

using static AuthorityRun;

/// <summary><c>hc-authority feed publish</c> of manifest folders and <c>feed clear</c>, against a real Mosquitto.</summary>
[Collection(BrokerCollection.Name)]
public sealed class PublishCommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("authority-publish-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private MosquittoBroker _broker = null!;
    private ECDsa _authority = null!;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _authority = await ManifestCommandTests.NewAuthorityKey(PathOf("auth.pem"));
    }

    public async Task DisposeAsync()
    {
        _authority.Dispose();
        await _broker.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string Broker => $"{_broker.Host}:{_broker.Port}";

    private Task<string> Tool(params string[] args) => OkAt(_time, args);

    private async Task<string> Manifest(string folder, int seq, int records, int docs) =>
        await Tool("feed", "manifest", "--key", PathOf("auth.pem"), "--feed", "CN-HL", "--seq", seq.ToString(), "--random", records.ToString(),
            "--random-doc", docs.ToString(), "--seed", seq.ToString(), "--out", PathOf(folder));

    [Fact]
    public async Task AManifestFolderGoesAsRetainedPartsFirstThenTheRetainedManifest()
    {
        await Manifest("m5", 5, 10_000, 50_000);
        var manifest = ManifestCommandTests.ReadFolder(PathOf("m5"), _authority).Manifest;
        Assert.True(manifest.PartHashes.Count >= 2);
        await using var live = await Watcher.StartAsync(_broker.Port, "hc/v1/colors/snapshot/#");

        var output = await Tool("feed", "publish", PathOf("m5"), "--broker", Broker, "--state", PathOf("state.json"));

        Assert.Contains($"published {manifest.PartHashes.Count} parts", output);
        var arrived = await live.UntilAsync(manifest.PartHashes.Count + 1);
        Assert.Equal("hc/v1/colors/snapshot", arrived[^1].Topic);
        Assert.Equal(Enumerable.Range(0, manifest.PartHashes.Count).Select(i => $"hc/v1/colors/snapshot/5/{i}"), arrived.SkipLast(1).Select(m => m.Topic));

        // A kiosk that connects later finds all of it retained, byte for byte.
        var retained = await Watcher.RetainedAsync(_broker.Port, "hc/v1/colors/snapshot/#");
        Assert.Equal(manifest.PartHashes.Count + 1, retained.Count);
        var signed = Assert.IsType<ManifestMessage>(FeedCodec.Decode(retained["hc/v1/colors/snapshot"], _authority).Message);
        Assert.Equal(manifest.PartHashes, signed.PartHashes);
        for (var i = 0; i < manifest.PartHashes.Count; i++)
        {
            Assert.True(FeedPart.Matches(retained[$"hc/v1/colors/snapshot/5/{i}"], manifest.PartHashes[i]));
        }
    }

    [Fact]
    public async Task PartsOfAReplacedManifestStayRetainedForADayThenAreCleared()
    {
        await Manifest("m5", 5, 3_000, 50_000);
        await Manifest("m6", 6, 3_000, 50_000);
        var parts5 = ManifestCommandTests.ReadFolder(PathOf("m5"), _authority).Manifest.PartHashes.Count;
        var parts6 = ManifestCommandTests.ReadFolder(PathOf("m6"), _authority).Manifest.PartHashes.Count;
        var state = PathOf("state.json");

        await Tool("feed", "publish", PathOf("m5"), "--broker", Broker, "--state", state);
        _time.Advance(TimeSpan.FromHours(2));
        var replaced = _time.GetUtcNow();
        Assert.Contains("stay retained until", await Tool("feed", "publish", PathOf("m6"), "--broker", Broker, "--state", state));

        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.DoesNotContain("cleared", await Tool("feed", "clear", "--broker", Broker, "--state", state));
        Assert.Equal(parts5 + parts6 + 1, (await Watcher.RetainedAsync(_broker.Port, "hc/v1/colors/snapshot/#")).Count);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(replaced + TimeSpan.FromHours(24), _time.GetUtcNow());
        var output = await Tool("feed", "clear", "--broker", Broker, "--state", state);

        Assert.Contains($"cleared {parts5} parts of manifest seq 5", output);
        var retained = await Watcher.RetainedAsync(_broker.Port, "hc/v1/colors/snapshot/#");
        Assert.DoesNotContain(retained.Keys, topic => topic.StartsWith("hc/v1/colors/snapshot/5/", StringComparison.Ordinal));
        Assert.Equal(parts6 + 1, retained.Count);

        // Cleared once: a second clear has nothing to do.
        Assert.DoesNotContain("cleared", await Tool("feed", "clear", "--broker", Broker, "--state", state));
    }

    [Fact]
    public async Task AWholeSnapshotReplacesAManifestAndThePublishADayLaterClearsItsParts()
    {
        await Manifest("m5", 5, 3_000, 0);
        var parts5 = ManifestCommandTests.ReadFolder(PathOf("m5"), _authority).Manifest.PartHashes.Count;
        var state = PathOf("state.json");
        await Tool("feed", "publish", PathOf("m5"), "--broker", Broker, "--state", state);
        await Tool("feed", "snapshot", "--key", PathOf("auth.pem"), "--feed", "CN-HL", "--seq", "6", "--random", "10", "--out", PathOf("s6.cose"));
        await Tool("feed", "publish", PathOf("s6.cose"), "--broker", Broker, "--state", state);

        _time.Advance(TimeSpan.FromDays(1));
        await Tool("feed", "heartbeat", "--key", PathOf("auth.pem"), "--feed", "CN-HL", "--seq", "6", "--out", PathOf("h6.cose"));
        await Manifest("m7", 7, 3_000, 0);
        var output = await Tool("feed", "publish", PathOf("h6.cose"), PathOf("m7"), "--broker", Broker, "--state", state);

        Assert.Contains($"cleared {parts5} parts of manifest seq 5", output);
        var retained = await Watcher.RetainedAsync(_broker.Port, "hc/v1/colors/snapshot/#", "hc/v1/colors/heartbeat");
        Assert.DoesNotContain(retained.Keys, topic => topic.StartsWith("hc/v1/colors/snapshot/5/", StringComparison.Ordinal));
        Assert.Contains("hc/v1/colors/heartbeat", retained.Keys);
        Assert.IsType<ManifestMessage>(FeedCodec.Decode(retained["hc/v1/colors/snapshot"], _authority).Message);
    }

    [Fact]
    public async Task AFolderWithATamperedOrMissingPartPublishesNothing()
    {
        await Manifest("m5", 5, 3_000, 50_000);
        var part1 = PathOf("m5/part-1.cbor");
        var bytes = await File.ReadAllBytesAsync(part1);
        bytes[^1] ^= 1;
        await File.WriteAllBytesAsync(part1, bytes);

        await InputErrorAt(_time, "part-1.cbor: its SHA-256 is not the manifest's", "feed", "publish", PathOf("m5"), "--broker", Broker, "--state", PathOf("state.json"));
        File.Delete(part1);
        await InputErrorAt(_time, "part 1 of", "feed", "publish", PathOf("m5"), "--broker", Broker, "--state", PathOf("state.json"));
        await InputErrorAt(_time, "is a manifest: publish its folder", "feed", "publish", PathOf("m5/manifest.cose"), "--broker", Broker, "--state", PathOf("state.json"));

        Assert.Empty(await Watcher.RetainedAsync(_broker.Port, "hc/v1/#"));
        Assert.False(File.Exists(PathOf("state.json")));
    }

    [Fact]
    public async Task ASecondManifestWithTheSameSeqIsRefusedWhileTheSameOneMayBePublishedAgain()
    {
        var state = PathOf("state.json");
        await Manifest("m5", 5, 3_000, 0);
        await Tool("feed", "manifest", "--key", PathOf("auth.pem"), "--feed", "CN-HL", "--seq", "5", "--random", "3000", "--seed", "99", "--out", PathOf("other5"));
        await Tool("feed", "publish", PathOf("m5"), "--broker", Broker, "--state", state);
        await Tool("feed", "publish", PathOf("m5"), "--broker", Broker, "--state", state);

        await InputErrorAt(_time, "another manifest with seq 5 was published", "feed", "publish", PathOf("other5"), "--broker", Broker, "--state", state);

        var retained = await Watcher.RetainedAsync(_broker.Port, "hc/v1/colors/snapshot/#");
        var kept = ManifestCommandTests.ReadFolder(PathOf("m5"), _authority).Manifest;
        Assert.Equal(kept.PartHashes, Assert.IsType<ManifestMessage>(FeedCodec.Decode(retained["hc/v1/colors/snapshot"], _authority).Message).PartHashes);
        Assert.True(FeedPart.Matches(retained["hc/v1/colors/snapshot/5/0"], kept.PartHashes[0]));
    }

    /// <summary>An MQTT client that records what it receives; <see cref="RetainedAsync"/> reads what a newcomer finds retained.</summary>
    private sealed class Watcher : IAsyncDisposable
    {
        private const string Marker = "hc/v1/test-marker";
        private readonly IMqttClient _client;
        private readonly ConcurrentQueue<(string Topic, byte[] Payload, bool Retained)> _received = new();
        private readonly SemaphoreSlim _signal = new(0);

        private Watcher(IMqttClient client) => _client = client;

        public static async Task<Watcher> StartAsync(int port, params string[] filters)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var watcher = new Watcher(client);
            client.ApplicationMessageReceivedAsync += e =>
            {
                watcher._received.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain));
                watcher._signal.Release();
                return Task.CompletedTask;
            };
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("watcher-" + Guid.NewGuid().ToString("N")[..8]).Build());
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (var filter in filters.Append(Marker))
            {
                subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
            }

            await client.SubscribeAsync(subscribe.Build());
            return watcher;
        }

        /// <summary>What a client that subscribes now receives retained: the broker sends it before a message published after the subscription.</summary>
        public static async Task<Dictionary<string, byte[]>> RetainedAsync(int port, params string[] filters)
        {
            await using var watcher = await StartAsync(port, filters);
            await watcher._client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Marker).WithPayload([1]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            var all = await watcher.UntilAsync(m => m.Topic == Marker);
            return all.Where(m => m.Topic != Marker && m.Payload.Length > 0).ToDictionary(m => m.Topic, m => m.Payload);
        }

        public Task<List<(string Topic, byte[] Payload, bool Retained)>> UntilAsync(int count) => UntilAsync(_ => _received.Count >= count);

        private async Task<List<(string Topic, byte[] Payload, bool Retained)>> UntilAsync(Func<(string Topic, byte[] Payload, bool Retained), bool> last)
        {
            var bound = TimeSpan.FromSeconds(60);
            await Poll.UntilAsync(() => _received.Any(last), "the messages to arrive", bound, changed: t => _signal.WaitAsync(t));
            return [.. _received];
        }

        public async ValueTask DisposeAsync()
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync();
            }

            _client.Dispose();
        }
    }
}

/// <summary>Broker tests start processes and sockets: run them one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerCollection
{
    public const string Name = "broker";
}
