using Kiosk.Mqtt;

namespace Kiosk.FleetConsole;

/// <summary>What <c>kiosk fleet</c> connects with: the <c>Fleet</c> section's broker settings and the tool's timeout.</summary>
/// <param name="Broker">Broker, TLS, credentials, protocol, topic prefix (section <c>Fleet</c> and the command line).</param>
/// <param name="Timeout">How long to wait for the broker and for each answer.</param>
public sealed record FleetConsoleSettings(FleetOptions Broker, TimeSpan Timeout)
{
    /// <summary>The topic prefix, e.g. <c>kiosk/v1</c>.</summary>
    public string Prefix => Broker.TopicPrefix.TrimEnd('/');

    /// <summary><c>host:port</c> (a cluster: each, comma-separated), for messages.</summary>
    public string Endpoint => string.Join(", ", Broker.Brokers);
}
