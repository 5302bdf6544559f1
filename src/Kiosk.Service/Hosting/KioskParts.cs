using Kiosk.Core;

namespace Kiosk.Service.Hosting;

/// <summary>
/// What <see cref="KioskComposition.AddKiosk"/> puts together besides the checkpoint, its devices and its color data,
/// which every composition has. Hardware and simulation differ only in <see cref="Devices"/>: the parts at the hardware
/// boundary (I²C device, GPIO driver, frame source, serial line, display and sound sinks).
/// </summary>
internal sealed record KioskParts
{
    /// <summary>
    /// The checkpoint's devices, codes and color data. False: only the checkpoint's events, alerts and counters with the
    /// links, the caller supplying the ports the links read (<c>IColorStore</c>, <c>IIndicators</c>): the fleet side of a
    /// kiosk alone, as a thousand of them run in one process in the fleet benchmarks.
    /// </summary>
    public bool Checkpoint { get; init; } = true;

    /// <summary>The devices: the real ones, or the simulated ones at the hardware boundary.</summary>
    public DeviceMode Devices { get; init; } = DeviceMode.Hardware;

    /// <summary>The color feed's MQTT client (section <c>ColorFeed</c>); without it the data comes from files or a scenario.</summary>
    public bool FeedLink { get; init; }

    /// <summary>The fleet link (section <c>Fleet</c>): outbox, status, telemetry, commands, remote configuration.</summary>
    public bool Fleet { get; init; }

    /// <summary>With <see cref="Fleet"/>: start an embedded broker when <c>Fleet:Host</c> is empty (demo and simulation).</summary>
    public bool EmbeddedBrokerWhenUnconfigured { get; init; }

    /// <summary>
    /// The clock of the MQTT links when it is not the kiosk's: a scenario runs the kiosk in virtual time while its links
    /// talk to a real broker in real time. Null: the kiosk's <see cref="TimeProvider"/>.
    /// </summary>
    public TimeProvider? LinkClock { get; init; }

    /// <summary>The service, <c>kiosk run</c>: every part, on hardware or (<c>--simulate</c>) on the simulated devices.</summary>
    public static KioskParts Service(bool simulate) => new()
    {
        Devices = simulate ? DeviceMode.Simulated : DeviceMode.Hardware,
        FeedLink = true,
        Fleet = true,
        EmbeddedBrokerWhenUnconfigured = simulate,
    };
}
