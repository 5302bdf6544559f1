namespace Kiosk.Core.Checkpoint;

/// <summary>The outcome of the measuring protocol: the first reading and, when it was at or above the fever threshold, one retest.</summary>
/// <param name="FirstC">Core-equivalent temperature of the first reading; null when none within the timeout.</param>
/// <param name="RetestC">Core-equivalent temperature of the retest; null when not retested or none within the timeout.</param>
/// <param name="AmbientC">Ambient temperature seen by the sensor, for telemetry.</param>
/// <param name="Fault">The sensor failed (as opposed to nobody in front of it).</param>
public sealed record TemperatureResult(double? FirstC, double? RetestC, double? AmbientC, bool Fault)
{
    public static TemperatureResult Unavailable { get; } = new(null, null, null, false);
}
