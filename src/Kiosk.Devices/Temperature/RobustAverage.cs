namespace Kiosk.Devices.Temperature;

/// <summary>Median/MAD outlier rejection over the samples of one reading.</summary>
internal static class RobustAverage
{
    /// <summary>1.4826 × MAD estimates the standard deviation of normal data.</summary>
    private const double MadToSigma = 1.4826;

    /// <summary>
    /// Drops samples further than max(<paramref name="madFactor"/> × 1.4826 × MAD, <paramref name="minBand"/>)
    /// from the median and returns the mean of the rest, when at least <paramref name="minKept"/> remain.
    /// </summary>
    public static bool TryMean(IReadOnlyList<double> samples, double madFactor, double minBand, int minKept, out double mean, out int kept)
    {
        var median = Median(samples);
        var deviations = samples.Select(s => Math.Abs(s - median)).ToArray();
        var band = Math.Max(madFactor * MadToSigma * Median(deviations), minBand);
        var sum = 0.0;
        kept = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            if (deviations[i] <= band)
            {
                sum += samples[i];
                kept++;
            }
        }

        mean = kept > 0 ? sum / kept : double.NaN;
        return kept >= minKept;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}
