using System.Device.I2c;
using Kiosk.Core.Checkpoint;
using Kiosk.Drivers.Mlx90614;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Devices.Temperature;

/// <summary>Opens the I²C device of the thermometer (real: <see cref="I2cDevice.Create"/>; simulated: the emulator).</summary>
public delegate I2cDevice ThermometerDeviceFactory(I2cConnectionSettings settings);

/// <summary>
/// The measuring protocol around the MLX90614: wait for a forehead, sample over a short window, reject
/// outliers (median/MAD), convert skin to core-equivalent (<see cref="SkinToCoreModel"/>), retest once after
/// RetestDelay when at or above the fever threshold; each reading bounded by MeasureTimeout.
/// Persistent read failures raise <c>thermometer_fault</c>; the next good read clears it.
/// </summary>
public sealed class BodyThermometer : IBodyThermometer, IDisposable
{
    private readonly ThermometerDeviceFactory _openDevice;
    private readonly IOptionsMonitor<ThermometerOptions> _options;
    private readonly IAlerts _alerts;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<BodyThermometer> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private Mlx90614Sensor? _sensor;
    private (int BusId, int Address, int Attempts) _sensorKey;
    private int _consecutiveFailures;
    private bool _faultRaised;
    private string _lastFailure = "none";
    private ThermometerOptions? _lastGoodOptions;

    /// <summary>Creates the thermometer. The device is opened on first use and reopened when bus, address or attempts change.</summary>
    public BodyThermometer(
        ThermometerDeviceFactory openDevice,
        IOptionsMonitor<ThermometerOptions> options,
        IAlerts alerts,
        TimeProvider timeProvider,
        ILogger<BodyThermometer> logger)
    {
        ArgumentNullException.ThrowIfNull(openDevice);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _openDevice = openDevice;
        _options = options;
        _alerts = alerts;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Driver counters of the open sensor (zeros before the first measurement).</summary>
    public Mlx90614Statistics SensorStatistics => _sensor?.Statistics ?? default;

    /// <inheritdoc />
    public async Task<TemperatureResult> MeasureAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var options = CurrentOptions();
            var model = options.Model;
            var first = await ReadOnceAsync(options, model, cancellationToken);
            if (first.Fault || first.CoreC is not { } firstC)
            {
                return new TemperatureResult(null, null, first.AmbientC, first.Fault);
            }

            if (firstC < options.FeverThresholdC)
            {
                return new TemperatureResult(firstC, null, first.AmbientC, false);
            }

            await Task.Delay(options.RetestDelay, _timeProvider, cancellationToken);
            var retest = await ReadOnceAsync(options, model, cancellationToken);
            return new TemperatureResult(firstC, retest.CoreC, first.AmbientC, retest.Fault);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sensor?.Dispose();
        _sensor = null;
        _gate.Dispose();
    }

    // A bad reload keeps the last valid settings (ValidateOnStart guarantees valid ones at start).
    private ThermometerOptions CurrentOptions()
    {
        try
        {
            return _lastGoodOptions = _options.CurrentValue;
        }
        catch (OptionsValidationException ex)
        {
            ThermometerLog.InvalidOptions(_logger, string.Join("; ", ex.Failures));
            return _lastGoodOptions ?? new ThermometerOptions();
        }
    }

    private async Task<Reading> ReadOnceAsync(ThermometerOptions options, SkinToCoreModel model, CancellationToken cancellationToken)
    {
        var deadline = _timeProvider.GetUtcNow() + options.MeasureTimeout;
        var interval = options.SampleWindow / (options.SampleCount - 1);
        var skins = new List<double>(options.SampleCount);
        var ambients = new List<double>(options.SampleCount);
        double? lastAmbient = null;
        double? hottest = null;
        var missesInRow = 0;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wait = options.PollInterval;
            var read = ReadPair(options);
            if (read is not { } pair)
            {
                skins.Clear();
                ambients.Clear();
                if (_consecutiveFailures >= options.FaultAfterFailedReads)
                {
                    RaiseFault(options);
                    return new Reading(null, lastAmbient, Fault: true);
                }
            }
            else
            {
                lastAmbient = pair.AmbientC;
                var aboveAmbient = pair.ObjectC - pair.AmbientC >= options.MinAboveAmbientC;
                if (aboveAmbient && pair.ObjectC >= options.MinSkinC && pair.ObjectC <= options.MaxSkinC)
                {
                    missesInRow = 0;
                    hottest = null;
                    skins.Add(pair.ObjectC);
                    ambients.Add(pair.AmbientC);
                    if (skins.Count >= options.SampleCount)
                    {
                        if (RobustAverage.TryMean(skins, options.OutlierMadFactor, options.MinOutlierBandC, options.MinAgreeingSamples, out var skin, out var kept))
                        {
                            var ambient = RobustAverage.Median(ambients);
                            var core = Math.Round(model.CoreFromSkin(skin, ambient), 2);
                            ThermometerLog.Reading(_logger, skin, ambient, core, kept, skins.Count);
                            return new Reading(core, Math.Round(ambient, 2), Fault: false);
                        }

                        ThermometerLog.TooNoisy(_logger, kept, skins.Count);
                        skins.RemoveAt(0);
                        ambients.RemoveAt(0);
                    }

                    wait = interval;
                }
                else
                {
                    if (aboveAmbient && pair.ObjectC > options.MaxSkinC)
                    {
                        hottest = Math.Max(hottest ?? double.MinValue, pair.ObjectC);
                    }

                    // One stray sample (a hand, hair) is skipped; two in a row mean the forehead left.
                    if (++missesInRow >= 2)
                    {
                        skins.Clear();
                        ambients.Clear();
                    }

                    wait = skins.Count > 0 ? interval : options.PollInterval;
                }
            }

            var left = deadline - _timeProvider.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            await Task.Delay(wait < left ? wait : left, _timeProvider, cancellationToken);
        }

        if (hottest is { } hot)
        {
            ThermometerLog.TooHot(_logger, hot);
            return new Reading(null, lastAmbient, Fault: true);
        }

        ThermometerLog.NoForehead(_logger, options.MeasureTimeout);
        return new Reading(null, lastAmbient is { } a ? Math.Round(a, 2) : null, Fault: false);
    }

    // One (object, ambient) pair, or null when a read failed after its retries.
    private (double ObjectC, double AmbientC)? ReadPair(ThermometerOptions options)
    {
        var sensor = OpenSensor(options);
        if (sensor is null)
        {
            _consecutiveFailures++;
            return null;
        }

        var status = sensor.TryReadAmbientTemperature(out var ambientC);
        var objectC = double.NaN;
        if (status == Mlx90614ReadStatus.Ok)
        {
            status = sensor.TryReadObjectTemperature(out objectC);
        }

        if (status != Mlx90614ReadStatus.Ok)
        {
            _consecutiveFailures++;
            ThermometerLog.ReadFailed(_logger, status.ToString());
            _lastFailure = status.ToString();
            return null;
        }

        if (_faultRaised)
        {
            _faultRaised = false;
            ThermometerLog.FaultCleared(_logger, _consecutiveFailures);
            _alerts.Clear(AlertKinds.ThermometerFault);
        }

        _consecutiveFailures = 0;
        return (objectC, ambientC);
    }

    private void RaiseFault(ThermometerOptions options)
    {
        var detail = $"MLX90614 on bus {options.BusId} at 0x{options.Address:X2}: {_consecutiveFailures} consecutive failed reads (last: {_lastFailure})";
        if (!_faultRaised)
        {
            ThermometerLog.FaultRaised(_logger, detail);
        }

        _faultRaised = true;
        _alerts.Raise(AlertKinds.ThermometerFault, detail);
    }

    private Mlx90614Sensor? OpenSensor(ThermometerOptions options)
    {
        var key = (options.BusId, options.Address, options.ReadAttempts);
        if (_sensor is not null && key == _sensorKey)
        {
            return _sensor;
        }

        _sensor?.Dispose();
        _sensor = null;
        try
        {
            var device = _openDevice(new I2cConnectionSettings(options.BusId, options.Address));
            _sensor = new Mlx90614Sensor(device, _timeProvider, options.ReadAttempts);
            _sensorKey = key;
            return _sensor;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException or ArgumentException or InvalidOperationException)
        {
            ThermometerLog.OpenFailed(_logger, options.BusId, options.Address, ex.Message);
            _lastFailure = "open failed";
            return null;
        }
    }

    private readonly record struct Reading(double? CoreC, double? AmbientC, bool Fault);
}
