namespace Kiosk.Mqtt;

/// <summary>The values of the retained <c>status</c> message's <c>state</c> (mqtt.md), written by the kiosk, read by the console.</summary>
public static class KioskState
{
    /// <summary>Connected, no active alert.</summary>
    public const string Online = "online";

    /// <summary>Connected, at least one active alert.</summary>
    public const string Degraded = "degraded";

    /// <summary>Shut down cleanly.</summary>
    public const string Offline = "offline";

    /// <summary>Vanished: the broker published the Will (<see cref="FleetConnection.WillPayload"/>).</summary>
    public const string Lost = "lost";
}
