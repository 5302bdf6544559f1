using System.Globalization;
using MQTTnet;
using MQTTnet.Protocol;

namespace HealthCode.Authority;

/// <summary>One MQTT connection of the tool: QoS 1 publishes, each confirmed by the broker (PUBACK) before the next.</summary>
internal sealed class BrokerSession : IAsyncDisposable
{
    /// <summary>Socket buffers for parts of 1 MiB: with MQTTnet's default (8 KiB) a part trickles out in windows of
    /// 64 KiB, each waiting for the broker's acknowledgement (0.6 s a part on a loaded machine).</summary>
    private const int SocketBufferBytes = 4 * 1024 * 1024;

    private readonly IMqttClient _client;

    private BrokerSession(IMqttClient client, string host, int port)
    {
        _client = client;
        Host = host;
        Port = port;
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>host:port as the state file names the broker.</summary>
    public string Name => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <exception cref="AuthorityInputException">The broker cannot be reached or refuses the connection.</exception>
    public static async Task<BrokerSession> ConnectAsync(string broker, CancellationToken cancellationToken)
    {
        var (host, port) = ParseBroker(broker);
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var options = new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId("hc-authority-" + Guid.NewGuid().ToString("N")[..8]).Build();
            if (options.ChannelOptions is MqttClientTcpOptions tcp)
            {
                tcp.BufferSize = SocketBufferBytes;
            }

            await client.ConnectAsync(options, cancellationToken);
            return new BrokerSession(client, host, port);
        }
        catch (Exception ex) when (IsBrokerFailure(ex))
        {
            client.Dispose();
            throw new AuthorityInputException($"broker {host}:{port}: {ex.Message}", ex);
        }
    }

    /// <summary>Publishes at QoS 1 and waits for the broker's acknowledgement. An empty retained payload clears the topic.</summary>
    public async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        MqttClientPublishResult result;
        try
        {
            result = await _client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag(retain)
                .Build(), cancellationToken);
        }
        catch (Exception ex) when (IsBrokerFailure(ex))
        {
            throw new AuthorityInputException($"broker {Name}: {ex.Message}", ex);
        }

        if (!result.IsSuccess)
        {
            throw new AuthorityInputException($"broker {Name} refused the message to {topic}: {result.ReasonCode}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync();
            }
        }
        catch (Exception ex) when (IsBrokerFailure(ex))
        {
            // The messages were acknowledged; a failed goodbye changes nothing.
        }

        _client.Dispose();
    }

    public static (string Host, int Port) ParseBroker(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new AuthorityInputException($"--broker '{text}' is not host:port");
        }

        return (text[..colon], port);
    }

    private static bool IsBrokerFailure(Exception ex) =>
        ex is MQTTnet.Exceptions.MqttCommunicationException or System.Net.Sockets.SocketException or InvalidOperationException;
}
