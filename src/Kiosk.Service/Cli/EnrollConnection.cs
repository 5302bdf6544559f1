using System.Globalization;
using Kiosk.Core;
using Kiosk.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Kiosk.Service.Cli;

/// <summary>
/// One connection of <c>kiosk enroll</c> (the key read, the broker check, the feed check) to a link's brokers, as
/// the kiosk's link would make it: its protocol (<see cref="BrokerLinkOptions.Protocol"/>: 5 or 3.1.1, a NATS
/// cluster's listener), its TLS and login per broker, and its list (<see cref="BrokerLinkOptions.Brokers"/>: Host,
/// then each Hosts entry) gone round by the links' one <see cref="BrokerReconnectLoop"/>, with its back-off between
/// brokers. Unlike a kiosk it goes round once: the first broker that takes the CONNECT answers, and when none does
/// <see cref="EnrollConnectException"/> says what each said.
/// </summary>
internal sealed class EnrollConnection : IDisposable
{
    private EnrollConnection(IMqttClient client, BrokerEndpoint broker, IReadOnlyList<EnrollBrokerFailure> before, bool mqtt311)
    {
        Client = client;
        Broker = broker;
        Before = before;
        IsMqtt311 = mqtt311;
    }

    /// <summary>The connected client.</summary>
    public IMqttClient Client { get; }

    /// <summary>The broker that answered.</summary>
    public BrokerEndpoint Broker { get; }

    /// <summary>The brokers of the list tried before it, and what each said.</summary>
    public IReadOnlyList<EnrollBrokerFailure> Before { get; }

    /// <summary>True on MQTT 3.1.1 (no reason codes: a denied publish is acknowledged, or dropped, without a word).</summary>
    public bool IsMqtt311 { get; }

    /// <summary><c>host:port</c> of the broker that answered.</summary>
    public string Where => Broker.ToString();

    /// <summary>Empty, or <c> (after a:1883: Connection refused)</c>: the brokers that failed before <see cref="Broker"/> answered.</summary>
    public string After => Before.Count == 0 ? string.Empty : $" (after {string.Join("; ", Before.Select(f => f.ToString()))})";

    /// <summary>
    /// Connects to the first broker of <paramref name="link"/>'s list that answers within <paramref name="timeout"/>
    /// each; <paramref name="prepare"/> attaches the message handler to each client before it connects. Throws
    /// <see cref="EnrollConnectException"/> when every broker failed.
    /// </summary>
    public static async Task<EnrollConnection> ConnectAsync(
        string section, BrokerLinkOptions link, BrokerSecurity security, string clientId, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken, Action<IMqttClient>? prepare = null)
    {
        var brokers = link.Brokers;
        if (brokers.Count == 0)
        {
            throw new KioskInputException($"{section}:Host (or {section}:Hosts) is required");
        }

        var loop = new BrokerReconnectLoop(section, link, time, NullLogger.Instance);
        var failures = new List<EnrollBrokerFailure>();
        EnrollConnection? answered = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await loop.RunAsync(
            async (broker, connected, token) =>
            {
                var client = new MqttClientFactory().CreateMqttClient();
                prepare?.Invoke(client);
                using var deadline = new CancellationTokenSource(timeout, time);
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token, deadline.Token);
                EnrollBrokerFailure failure;
                try
                {
                    var result = await client.ConnectAsync(ClientOptions(link, security, broker, clientId, timeout), attempt.Token);
                    if (result.ResultCode == MqttClientConnectResultCode.Success)
                    {
                        connected();
                        answered = new EnrollConnection(client, broker, failures.ToArray(), link.IsMqtt311);
                        await stop.CancelAsync();
                        return $"{broker} answered";
                    }

                    failure = ProtocolRefusal(result.ResultCode, link.IsMqtt311)
                        ? new EnrollBrokerFailure(broker, EnrollBrokerFailureKind.Protocol, $"refused MQTT {(link.IsMqtt311 ? "3.1.1" : "5")} (unacceptable protocol version)")
                        : new EnrollBrokerFailure(broker, EnrollBrokerFailureKind.Refused, $"refused the login ({result.ResultCode})");
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    failure = new EnrollBrokerFailure(broker, EnrollBrokerFailureKind.NoAnswer, $"no answer within {Seconds(timeout)} s");
                }
                catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
                {
                    // Any failure (unreachable, TLS, a certificate file that does not load, a protocol error) is this
                    // broker's: counted, so the round ends after the last broker instead of going on as a kiosk would.
                    var reason = OneLine.Of(ex.GetBaseException().Message);
                    failure = new EnrollBrokerFailure(broker, ProtocolRefusal(ex) ? EnrollBrokerFailureKind.Protocol : EnrollBrokerFailureKind.Unreachable, reason);
                }

                client.Dispose();
                failures.Add(failure);
                if (failures.Count >= brokers.Count)
                {
                    // Round the list once: every broker has failed.
                    await stop.CancelAsync();
                }

                throw new IOException(failure.ToString());
            },
            stop.Token);

        if (cancellationToken.IsCancellationRequested)
        {
            answered?.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
        }

        return answered ?? throw new EnrollConnectException(failures, link.IsMqtt311);
    }

    /// <summary>The client options of one broker of the link: its protocol, a clean session, its TLS (server name: that broker) and login.</summary>
    internal static MqttClientOptions ClientOptions(BrokerLinkOptions link, BrokerSecurity security, BrokerEndpoint broker, string clientId, TimeSpan timeout)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithClientId(clientId)
            .WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(link.IsMqtt311 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithCleanSession(true)
            .WithTimeout(timeout);
        BrokerCredentials.Apply(builder, security with { Host = broker.Host });
        return builder.Build();
    }

    /// <summary>
    /// Subscribes at QoS 0 (retained messages come all the same, and a NATS node creates no replicated consumer for
    /// it) with the links' retry of an unspecified refusal (<see cref="BrokerSubscriptions"/>); returns the refused filters.
    /// </summary>
    public async Task<IReadOnlyList<(string Filter, MqttClientSubscribeResultCode Code)>> SubscribeAsync(IEnumerable<string> filters, TimeProvider time, CancellationToken cancellationToken, int attempts = BrokerSubscriptions.Attempts) =>
        await BrokerSubscriptions.SubscribeAsync(Client, filters, MqttQualityOfServiceLevel.AtMostOnce, time, cancellationToken, attempts);

    /// <summary>Disconnects (when still connected) and disposes the client.</summary>
    public async Task CloseAsync()
    {
        if (Client.IsConnected)
        {
            try
            {
                await Client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or IOException)
            {
                // Gone already: nothing to say goodbye to.
            }
        }

        Client.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();

    /// <summary>Seconds for a line (<c>5</c>, <c>0.5</c>).</summary>
    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A CONNACK that refuses the protocol version: MQTT 5's <c>UnsupportedProtocolVersion</c> (0x84), or 3.1.1's
    /// "unacceptable protocol version" (1), the answer of a NATS listener to a version 5 CONNECT (MQTTnet reads the
    /// 3.1.1 code as it comes: a 1, which no MQTT 5 CONNACK carries).
    /// </summary>
    private static bool ProtocolRefusal(MqttClientConnectResultCode code, bool mqtt311) =>
        code is MqttClientConnectResultCode.UnsupportedProtocolVersion || (!mqtt311 && (int)code == 1);

    /// <summary>A broker that closed the connection on a CONNECT of a version it does not speak (MQTTnet names the version).</summary>
    private static bool ProtocolRefusal(Exception ex) =>
        ex.ToString().Contains("protocol version", StringComparison.OrdinalIgnoreCase);
}
