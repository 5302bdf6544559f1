namespace Kiosk.Core.Checkpoint;

/// <summary>Measures a visitor's core-equivalent body temperature (the protocol around the MLX90614).</summary>
public interface IBodyThermometer
{
    /// <summary>Waits for a forehead, samples, converts, retests once when feverish; never longer than MeasureTimeout per reading.</summary>
    Task<TemperatureResult> MeasureAsync(CancellationToken cancellationToken);
}
