namespace Kiosk.Mqtt;

/// <summary>The commands a kiosk answers on <c>cmd/{name}</c> (mqtt.md), run by the kiosk, sent by the console.</summary>
public static class KioskCommands
{
    /// <summary>Every command name.</summary>
    public static readonly IReadOnlyList<string> Names = ["ping", "screenshot", "resync", "selftest", "open-gate", "restart"];
}
