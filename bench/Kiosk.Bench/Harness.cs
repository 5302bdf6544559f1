using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kiosk.Bench;

/// <summary>One measured figure with the baseline measured in the same run.</summary>
/// <param name="Name">Dotted name, e.g. <c>decision.pass.p95_ms</c>.</param>
/// <param name="Value">Our figure.</param>
/// <param name="Unit">Unit of both figures.</param>
/// <param name="Baseline">The baseline measured in the same run (what a user would write, the raw primitive, or the field library as is); null only when no meaningful baseline exists.</param>
public sealed record Figure(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("baseline")] double? Baseline)
{
    [JsonPropertyName("ratio")]
    public double? Ratio => Baseline is { } b && b != 0 ? Math.Round(Value / b, 4) : null;
}

/// <summary>Options every benchmark sees.</summary>
/// <param name="Quick">Fewer iterations: for CI and a quick look.</param>
public sealed record BenchOptions(bool Quick);

/// <summary>A group of figures. Implementations live in <c>Benchmarks/</c>, one file per area.</summary>
public interface IBenchmark
{
    /// <summary>The names of the figures this benchmark prints (used by <c>--filter</c> before running it).</summary>
    IReadOnlyList<string> FigureNames { get; }

    /// <summary>Measures and returns the figures.</summary>
    Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken);
}

/// <summary>Statistics helpers shared by the benchmarks.</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyList<double> samples, double p)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToArray();
        var rank = p / 100.0 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    public static double Median(IReadOnlyList<double> samples) => Percentile(samples, 50);

    public static double ElapsedMs(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
}

internal static class FigureJson
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static string Serialize(Figure figure) => JsonSerializer.Serialize(figure, Options);
}
