using System.Collections.Concurrent;
using System.Text;
using Kiosk.Service.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using ToolFactAttribute = Kiosk.Service.Tests.Deploy.ToolFactAttribute;

namespace Kiosk.Service.Tests.Cluster;

/// <summary>
/// What nats-server 2.9 does with a subscribe <c>deny</c> inside an allowed wildcard for MQTT clients (a known issue,
/// fixed in 2.12.12): the messages it should hide reach the subscriber, retained and live. This is why the shipped
/// authorization (<c>deploy/nats/authorization.conf</c>) uses allow lists only. When the distribution's nats-server
/// enforces the deny, this test fails and the rule may be used.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class NatsDenyRuleTests
{
    [ToolFact("nats-server")]
    public async Task OnNats29ASubscribeDenyInsideAnAllowedWildcardDoesNotHideMessagesFromMqttSubscribers()
    {
        const string Authorization = """
            authorization {
              users = [
                { user: "writer", password: "pw-writer", permissions: { publish: { allow: ["kiosk.v1.>"] }, subscribe: { allow: ["$MQTT.sub.>", "kiosk.v1.>"] } } }
                { user: "reader", password: "pw-reader", permissions: { publish: { deny: [">"] }, subscribe: { allow: ["$MQTT.sub.>", "kiosk.v1.>"], deny: ["kiosk.v1.*.*.config.>"] } } }
              ]
            }
            """;
        await using var cluster = await NatsCluster.StartAsync(extraConfig: Authorization, warmUpLogin: () => new MqttClientOptionsBuilder().WithCredentials("writer", "pw-writer"));
        using var writer = await ConnectAsync(cluster, "writer", 0, null);
        await writer.PublishAsync(Message("kiosk/v1/site-a/k1/config/desired", "retained-config", retain: true));

        var received = new ConcurrentQueue<(string Topic, string Payload)>();
        using var reader = await ConnectAsync(cluster, "reader", 1, received);
        var result = await reader.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("kiosk/v1/+/+/+/+", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, result.Items.Single().ResultCode);
        await writer.PublishAsync(Message("kiosk/v1/site-a/k1/config/reported", "live-config", retain: false));
        await writer.PublishAsync(Message("kiosk/v1/site-a/k1/event/alert", "allowed", retain: false));

        await Poll.UntilAsync(() => received.Any(m => m.Payload == "allowed"), "the allowed message", detail: () => string.Join(", ", received));
        await Poll.UntilAsync(() => received.Count >= 3, "the denied messages too (2.9)", TimeSpan.FromSeconds(10), detail: () => string.Join(", ", received));
        Assert.Contains(received, m => m.Payload == "retained-config");
        Assert.Contains(received, m => m.Payload == "live-config");
    }

    private static MqttApplicationMessage Message(string topic, string payload, bool retain) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private static async Task<IMqttClient> ConnectAsync(NatsCluster cluster, string user, int node, ConcurrentQueue<(string, string)>? received)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        if (received is not null)
        {
            client.ApplicationMessageReceivedAsync += e =>
            {
                received.Enqueue((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload)));
                return Task.CompletedTask;
            };
        }

        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(cluster.Host, cluster.MqttPorts[node]).WithCredentials(user, "pw-" + user)
            .WithClientId($"{user}-{Guid.NewGuid():N}"[..30]).WithProtocolVersion(MqttProtocolVersion.V311).WithCleanSession(true).WithTimeout(TimeSpan.FromSeconds(10)).Build());
        return client;
    }
}
