using Microsoft.Extensions.Options;

namespace Kiosk.Devices.Temperature;

/// <summary>Validates <see cref="ThermometerOptions"/> (registered for ValidateOnStart).</summary>
public sealed class ThermometerOptionsValidator : IValidateOptions<ThermometerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ThermometerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                failures.Add($"Thermometer: {message}");
            }
        }

        static bool Finite(double d) => double.IsFinite(d);

        Check(options.BusId is >= 0 and <= 255, "BusId must be 0…255");
        Check(options.Address is >= 0x03 and <= 0x77, "Address must be a 7-bit address 0x03…0x77");
        Check(options.ReadAttempts is >= 1 and <= 10, "ReadAttempts must be 1…10");
        Check(options.SampleCount is >= 3 and <= 50, "SampleCount must be 3…50");
        Check(options.MinAgreeingSamples >= 2 && options.MinAgreeingSamples <= options.SampleCount, "MinAgreeingSamples must be 2…SampleCount");
        Check(options.MeasureTimeout > TimeSpan.Zero && options.MeasureTimeout <= TimeSpan.FromMinutes(1), "MeasureTimeout must be within (0, 1 min]");
        Check(options.SampleWindow > TimeSpan.Zero && options.SampleWindow < options.MeasureTimeout, "SampleWindow must be positive and shorter than MeasureTimeout");
        Check(options.SampleCount < 2 || options.SampleWindow / (options.SampleCount - 1) >= TimeSpan.FromMilliseconds(10), "SampleWindow / (SampleCount - 1) must be at least 10 ms");
        Check(options.PollInterval >= TimeSpan.FromMilliseconds(10) && options.PollInterval <= options.MeasureTimeout, "PollInterval must be within [10 ms, MeasureTimeout]");
        Check(options.RetestDelay >= TimeSpan.Zero && options.RetestDelay <= TimeSpan.FromMinutes(1), "RetestDelay must be within [0, 1 min]");
        Check(Finite(options.FeverThresholdC) && options.FeverThresholdC is >= 35 and <= 42, "FeverThresholdC must be 35…42");
        Check(Finite(options.MinSkinC) && Finite(options.MaxSkinC) && options.MinSkinC >= 20 && options.MaxSkinC <= 50 && options.MinSkinC < options.MaxSkinC, "MinSkinC < MaxSkinC within 20…50");
        Check(Finite(options.MinAboveAmbientC) && options.MinAboveAmbientC is >= 0 and <= 15, "MinAboveAmbientC must be 0…15");
        Check(Finite(options.OutlierMadFactor) && options.OutlierMadFactor is >= 1 and <= 10, "OutlierMadFactor must be 1…10");
        Check(Finite(options.MinOutlierBandC) && options.MinOutlierBandC is >= 0.02 and <= 5, "MinOutlierBandC must be 0.02…5");
        Check(options.FaultAfterFailedReads is >= 1 and <= 1000, "FaultAfterFailedReads must be 1…1000");
        Check(Finite(options.ModelOffsetC) && options.ModelOffsetC is >= -2 and <= 6, "ModelOffsetC must be -2…6");
        Check(Finite(options.ModelAmbientCoefficient) && options.ModelAmbientCoefficient is >= 0 and <= 1, "ModelAmbientCoefficient must be 0…1 (the model must stay increasing in skin temperature)");
        Check(Finite(options.ModelMinAmbientC) && Finite(options.ModelMaxAmbientC) && options.ModelMinAmbientC < options.ModelMaxAmbientC && options.ModelMinAmbientC >= -20 && options.ModelMaxAmbientC <= 50, "ModelMinAmbientC < ModelMaxAmbientC within -20…50");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
