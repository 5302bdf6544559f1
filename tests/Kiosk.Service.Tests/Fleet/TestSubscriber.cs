using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Kiosk.Service.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>One message as a fleet manager's tool sees it.</summary>
internal sealed record ReceivedMessage(string Topic, string Payload, bool Retain, byte[]? CorrelationData, string? ContentType)
{
    public JsonElement Json => JsonDocument.Parse(Payload).RootElement.Clone();
}

/// <summary>
/// A fleet manager's client: subscribes, keeps every message, reconnects after a broker restart. With
/// <c>persistent</c> it keeps its broker session (clean start off, long session expiry), so QoS 1 messages queued
/// for it while it was away are delivered when it returns.
/// </summary>
internal sealed class TestSubscriber : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions _options;
    private readonly string[] _filters;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _changed = new(0);
    private Task? _reconnect;

    private TestSubscriber(int port, string clientId, bool persistent, MqttProtocolVersion protocol, string[] filters)
    {
        _filters = filters;
        var builder = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).WithProtocolVersion(protocol)
            .WithTimeout(TimeSpan.FromSeconds(5)).WithKeepAlivePeriod(TimeSpan.FromSeconds(10));
        if (persistent)
        {
            builder.WithCleanStart(false).WithCleanSession(false);
            if (protocol == MqttProtocolVersion.V500)
            {
                builder.WithSessionExpiryInterval(3600);
            }
        }
        else
        {
            builder.WithCleanStart(true).WithCleanSession(true);
        }

        _options = builder.Build();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            Messages.Enqueue(new ReceivedMessage(m.Topic, Encoding.UTF8.GetString(m.Payload), m.Retain, m.CorrelationData, m.ContentType));
            _changed.Release();
            return Task.CompletedTask;
        };
    }

    public ConcurrentQueue<ReceivedMessage> Messages { get; } = new();

    public IMqttClient Client => _client;

    public static async Task<TestSubscriber> StartAsync(int port, params string[] filters) =>
        await StartAsync(port, "fleet-manager-" + Guid.NewGuid().ToString("N")[..8], persistent: false, MqttProtocolVersion.V500, filters);

    public static async Task<TestSubscriber> StartAsync(int port, string clientId, bool persistent, MqttProtocolVersion protocol, params string[] filters)
    {
        var subscriber = new TestSubscriber(port, clientId, persistent, protocol, filters);
        await subscriber.ConnectAsync(CancellationToken.None);
        subscriber._reconnect = subscriber.KeepConnectedAsync();
        return subscriber;
    }

    public IEnumerable<ReceivedMessage> On(string topic) => Messages.Where(m => m.Topic == topic);

    /// <summary>Waits until <paramref name="condition"/> holds (<see cref="Poll"/>, woken by each message that arrives).</summary>
    public Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 30) =>
        Poll.UntilAsync(condition, what, TimeSpan.FromSeconds(seconds), changed: wait => _changed.WaitAsync(wait));

    /// <summary>Waits for the first message that matches (<see cref="Poll"/>, woken by each message that arrives).</summary>
    public async Task<ReceivedMessage> WaitForAsync(Func<ReceivedMessage, bool> match, string what, int seconds = 30) =>
        (await Poll.ForAsync(() => Messages.FirstOrDefault(match), found => found is not null, what, TimeSpan.FromSeconds(seconds), changed: wait => _changed.WaitAsync(wait)))!;

    public async Task PublishAsync(MqttApplicationMessage message) => await _client.PublishAsync(message);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reconnect is not null)
        {
            await _reconnect;
        }

        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var result = await _client.ConnectAsync(_options, cancellationToken);
        if (!result.IsSessionPresent)
        {
            // With the retries a cluster node that just lost a peer needs (Kiosk.Mqtt.BrokerSubscriptions).
            await Kiosk.Mqtt.BrokerSubscriptions.SubscribeAsync(_client, _filters, MqttQualityOfServiceLevel.AtLeastOnce, TimeProvider.System, cancellationToken);
        }
    }

    private async Task KeepConnectedAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                // The client's reconnect interval (a broker restart), not a wait for an outcome.
                await Task.Delay(50, _stop.Token);
                if (!_client.IsConnected)
                {
                    await ConnectAsync(_stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception)
            {
                // Broker down: try again.
            }
        }
    }
}
