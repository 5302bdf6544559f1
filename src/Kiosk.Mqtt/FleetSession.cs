using MQTTnet.Formatter;

namespace Kiosk.Mqtt;

/// <summary>One connected period: ends (<see cref="Ended"/>) when the connection drops or the kiosk stops.</summary>
/// <param name="Number">1 for the first connection of the process, then counting.</param>
/// <param name="Protocol">The negotiated protocol.</param>
/// <param name="MaxInFlight">QoS 1 publishes allowed in flight (options, capped by the broker's Receive Maximum).</param>
/// <param name="Ended">Cancelled when the session ends.</param>
public sealed record FleetSession(long Number, MqttProtocolVersion Protocol, int MaxInFlight, CancellationToken Ended)
{
    /// <summary>True for MQTT 5 (request/response, expiry, content type).</summary>
    public bool IsMqtt5 => Protocol == MqttProtocolVersion.V500;
}
