namespace Kiosk.Fleet;

/// <summary>The ambient temperature the thermometer saw last (the lead wires the thermometer's value).</summary>
public interface IAmbientTemperatureSource
{
    /// <summary>°C, or null when unknown.</summary>
    double? AmbientC { get; }
}
