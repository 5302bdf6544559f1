using Kiosk.Core.Checkpoint;
using Kiosk.Fleet;
using Kiosk.Mqtt;

namespace Kiosk.Service.Hosting;

/// <summary>The ambient temperature the sensor saw at the last measurement, for telemetry.</summary>
internal sealed class AmbientTemperatureSource : IAmbientTemperatureSource
{
    private double? _ambient;

    public AmbientTemperatureSource(CheckpointLoop loop) => loop.Decided += record =>
    {
        if (record.Temperature?.AmbientC is { } ambient)
        {
            _ambient = Math.Round(ambient, 1);
        }
    };

    public double? AmbientC => _ambient;
}
