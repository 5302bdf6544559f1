using System.ComponentModel.DataAnnotations;
using Kiosk.Core.Checkpoint;

namespace Kiosk.Devices.Temperature;

/// <summary>Settings of the thermometer and its measuring protocol (config section <c>Thermometer</c>); read per measurement, so changes apply at run time.</summary>
public sealed class ThermometerOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Thermometer";

    /// <summary>I²C bus number (<c>/dev/i2c-N</c>).</summary>
    public int BusId { get; set; } = 1;

    /// <summary>SMBus address of the MLX90614 (factory 0x5A).</summary>
    public int Address { get; set; } = 0x5A;

    /// <summary>Attempts per register read before it counts as failed (PEC, error flag, NACK are retried).</summary>
    public int ReadAttempts { get; set; } = 3;

    /// <summary>Samples taken over <see cref="SampleWindow"/> for one reading.</summary>
    public int SampleCount { get; set; } = 7;

    /// <summary>The span the samples of one reading cover; the sample interval is SampleWindow / (SampleCount − 1) and should not be shorter than the chip's refresh period.</summary>
    public TimeSpan SampleWindow { get; set; } = TimeSpan.FromMilliseconds(600);

    /// <summary>How often the sensor is looked at while waiting for a forehead.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait for one reading (policy rule 8; default 5 s).</summary>
    public TimeSpan MeasureTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Wait before the retest of a reading at or above <see cref="FeverThresholdC"/> (policy rule 9; default 2 s).</summary>
    public TimeSpan RetestDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Core-equivalent temperature at or above which the kiosk retests (default 37.3 °C). The kiosk sets it from
    /// <c>Checkpoint:FeverThresholdC</c>, the policy's threshold; a <c>Thermometer:FeverThresholdC</c> is overridden.
    /// </summary>
    public double FeverThresholdC { get; set; } = PolicyDefaults.FeverThresholdC;

    /// <summary>Lowest plausible skin temperature; below it nobody is in front (or too far).</summary>
    public double MinSkinC { get; set; } = 30.0;

    /// <summary>Highest plausible skin temperature; above it the reading is a fault.</summary>
    public double MaxSkinC { get; set; } = 43.0;

    /// <summary>How far the object must be above ambient to count as a forehead.</summary>
    public double MinAboveAmbientC { get; set; } = 1.5;

    /// <summary>Samples further than this many scaled MADs (1.4826 × MAD) from the median are outliers.</summary>
    public double OutlierMadFactor { get; set; } = 3.0;

    /// <summary>Floor of the outlier band in °C, so identical samples (MAD = 0) do not reject a sample 0.02 °C off.</summary>
    public double MinOutlierBandC { get; set; } = 0.15;

    /// <summary>Samples that must survive outlier rejection for a reading; fewer and the protocol keeps sampling.</summary>
    public int MinAgreeingSamples { get; set; } = 5;

    /// <summary>Consecutive failed reads (after retries) that make the sensor faulty (<c>thermometer_fault</c>).</summary>
    public int FaultAfterFailedReads { get; set; } = 5;

    /// <summary>Skin-to-core model: constant term, °C (see <see cref="SkinToCoreModel"/>).</summary>
    public double ModelOffsetC { get; set; } = 1.4;

    /// <summary>Skin-to-core model: coefficient of the skin-ambient gradient (0…1).</summary>
    public double ModelAmbientCoefficient { get; set; } = 0.09;

    /// <summary>Skin-to-core model: ambient temperatures are clamped to [ModelMinAmbientC, ModelMaxAmbientC].</summary>
    public double ModelMinAmbientC { get; set; } = 10.0;

    /// <summary>Skin-to-core model: upper ambient clamp.</summary>
    public double ModelMaxAmbientC { get; set; } = 40.0;

    /// <summary>The model these options describe.</summary>
    public SkinToCoreModel Model => new(ModelOffsetC, ModelAmbientCoefficient, MinSkinC, MaxSkinC, ModelMinAmbientC, ModelMaxAmbientC);

    /// <summary>The section's rules across keys; every message names its key.</summary>
    /// <param name="validationContext">The validation context.</param>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var failures = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                failures.Add($"Thermometer:{message}");
            }
        }

        static bool Finite(double d) => double.IsFinite(d);

        Check(BusId is >= 0 and <= 255, "BusId must be 0…255");
        Check(Address is >= 0x03 and <= 0x77, "Address must be a 7-bit address 0x03…0x77");
        Check(ReadAttempts is >= 1 and <= 10, "ReadAttempts must be 1…10");
        Check(SampleCount is >= 3 and <= 50, "SampleCount must be 3…50");
        Check(MinAgreeingSamples >= 2 && MinAgreeingSamples <= SampleCount, "MinAgreeingSamples must be 2…SampleCount");
        Check(MeasureTimeout > TimeSpan.Zero && MeasureTimeout <= TimeSpan.FromMinutes(1), "MeasureTimeout must be within (0, 1 min]");
        Check(SampleWindow > TimeSpan.Zero && SampleWindow < MeasureTimeout, "SampleWindow must be positive and shorter than MeasureTimeout");
        Check(SampleCount < 2 || SampleWindow / (SampleCount - 1) >= TimeSpan.FromMilliseconds(10), "SampleWindow / (SampleCount - 1) must be at least 10 ms");
        Check(PollInterval >= TimeSpan.FromMilliseconds(10) && PollInterval <= MeasureTimeout, "PollInterval must be within [10 ms, MeasureTimeout]");
        Check(RetestDelay >= TimeSpan.Zero && RetestDelay <= TimeSpan.FromMinutes(1), "RetestDelay must be within [0, 1 min]");
        Check(Finite(FeverThresholdC) && FeverThresholdC is >= 35 and <= 42, "FeverThresholdC must be 35…42");
        Check(Finite(MinSkinC) && Finite(MaxSkinC) && MinSkinC >= 20 && MaxSkinC <= 50 && MinSkinC < MaxSkinC, "MinSkinC < MaxSkinC within 20…50");
        Check(Finite(MinAboveAmbientC) && MinAboveAmbientC is >= 0 and <= 15, "MinAboveAmbientC must be 0…15");
        Check(Finite(OutlierMadFactor) && OutlierMadFactor is >= 1 and <= 10, "OutlierMadFactor must be 1…10");
        Check(Finite(MinOutlierBandC) && MinOutlierBandC is >= 0.02 and <= 5, "MinOutlierBandC must be 0.02…5");
        Check(FaultAfterFailedReads is >= 1 and <= 1000, "FaultAfterFailedReads must be 1…1000");
        Check(Finite(ModelOffsetC) && ModelOffsetC is >= -2 and <= 6, "ModelOffsetC must be -2…6");
        Check(Finite(ModelAmbientCoefficient) && ModelAmbientCoefficient is >= 0 and <= 1, "ModelAmbientCoefficient must be 0…1 (the model must stay increasing in skin temperature)");
        Check(Finite(ModelMinAmbientC) && Finite(ModelMaxAmbientC) && ModelMinAmbientC < ModelMaxAmbientC && ModelMinAmbientC >= -20 && ModelMaxAmbientC <= 50, "ModelMinAmbientC < ModelMaxAmbientC within -20…50");
        return failures.Select(f => new ValidationResult(f));
    }
}
