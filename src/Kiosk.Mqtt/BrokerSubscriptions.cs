using MQTTnet;
using MQTTnet.Protocol;

namespace Kiosk.Mqtt;

/// <summary>
/// Subscribing on any link (fleet, feed, console), with the retry a cluster needs: a NATS node that has just lost a
/// peer may fail to create the replicated consumer behind a subscription within its own 4 s and answer with the
/// unspecified error (0x80, the only refusal MQTT 3.1.1 has). Filters refused that way are asked again, with a
/// doubling wait on the link's clock, a few times; a refusal with a reason (MQTT 5 <c>NotAuthorized</c>, an ACL) is
/// final at once.
/// </summary>
public static class BrokerSubscriptions
{
    /// <summary>Attempts per filter refused with the unspecified error.</summary>
    public const int Attempts = 5;

    /// <summary>Subscribes <paramref name="filters"/> at <paramref name="qos"/>; returns the filters still refused, with the broker's code.</summary>
    /// <param name="attempts">Attempts of a filter refused with the unspecified error (1: no retry).</param>
    public static async Task<IReadOnlyList<(string Filter, MqttClientSubscribeResultCode Code)>> SubscribeAsync(
        IMqttClient client, IEnumerable<string> filters, MqttQualityOfServiceLevel qos, TimeProvider time, CancellationToken cancellationToken, int attempts = Attempts)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        var pending = filters.ToList();
        var refused = new List<(string, MqttClientSubscribeResultCode)>();
        var wait = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var builder = new MqttClientSubscribeOptionsBuilder();
            foreach (var filter in pending)
            {
                builder.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(qos));
            }

            var result = await client.SubscribeAsync(builder.Build(), cancellationToken);
            var again = new List<string>();
            foreach (var item in result.Items)
            {
                if ((int)item.ResultCode <= 2)
                {
                    continue;
                }

                if (item.ResultCode == MqttClientSubscribeResultCode.UnspecifiedError && attempt < attempts)
                {
                    again.Add(item.TopicFilter.Topic);
                }
                else
                {
                    refused.Add((item.TopicFilter.Topic, item.ResultCode));
                }
            }

            pending = again;
            if (pending.Count > 0)
            {
                await Task.Delay(wait, time, cancellationToken);
                wait *= 2;
            }
        }

        return refused;
    }
}
