using Kiosk.Drivers.Mlx90614;
using Microsoft.Extensions.Options;

namespace Kiosk.Devices.Temperature;

/// <summary>
/// Puts simulated visitors in front of an <see cref="Mlx90614Emulator"/>: a visitor's core temperature becomes
/// the forehead skin temperature the current <see cref="SkinToCoreModel"/> maps back to it, at the room's ambient.
/// </summary>
public sealed class ThermometerScene
{
    private readonly Mlx90614Emulator _chip;
    private readonly IOptionsMonitor<ThermometerOptions> _options;
    private SkinToCoreModel _lastModel = SkinToCoreModel.Default;

    /// <summary>Creates the scene on a chip; the room starts empty at <paramref name="ambientC"/>.</summary>
    public ThermometerScene(Mlx90614Emulator chip, IOptionsMonitor<ThermometerOptions> options, double ambientC = 22.0)
    {
        ArgumentNullException.ThrowIfNull(chip);
        ArgumentNullException.ThrowIfNull(options);
        _chip = chip;
        _options = options;
        AmbientC = ambientC;
        RemoveVisitor();
    }

    /// <summary>The emulated chip.</summary>
    public Mlx90614Emulator Chip => _chip;

    /// <summary>Room temperature, °C.</summary>
    public double AmbientC
    {
        get => _chip.AmbientTemperatureC;
        set => _chip.AmbientTemperatureC = value;
    }

    /// <summary>Random error of the object reading (scenario <c>sensorNoiseC</c>): standard deviation in °C; 0 = none.</summary>
    public double SensorNoiseC
    {
        get => _chip.ObjectNoiseC;
        set => _chip.ObjectNoiseC = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "noise must be a finite non-negative °C");
    }

    /// <summary>A visitor with core temperature <paramref name="coreC"/> steps up; null = nobody in front of the sensor.</summary>
    public void PutVisitor(double? coreC)
    {
        if (coreC is not { } core)
        {
            RemoveVisitor();
            return;
        }

        _chip.ObjectTemperatureC = CurrentModel().SkinFromCore(core, _chip.AmbientTemperatureC);
    }

    // The model the thermometer uses; after an invalid reload it keeps the previous one, as BodyThermometer does.
    private SkinToCoreModel CurrentModel()
    {
        try
        {
            return _lastModel = _options.CurrentValue.Model;
        }
        catch (OptionsValidationException)
        {
            return _lastModel;
        }
    }

    /// <summary>Nobody in front: the sensor sees the background at ambient temperature.</summary>
    public void RemoveVisitor() => _chip.ObjectTemperatureC = _chip.AmbientTemperatureC;
}
