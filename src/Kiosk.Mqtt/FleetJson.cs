using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Kiosk.Mqtt;

/// <summary>Small helpers for the fleet's JSON payloads (written with <see cref="Utf8JsonWriter"/>: no reflection).</summary>
public static class FleetJson
{
    /// <summary>Writes one JSON document.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>ISO 8601 UTC, e.g. <c>2026-05-01T08:00:00.000Z</c>.</summary>
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Writes a nullable number.</summary>
    public static void Number(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>Linear-interpolated percentile; null for no samples.</summary>
    public static double? Percentile(IReadOnlyList<double> samples, double p)
    {
        if (samples.Count == 0)
        {
            return null;
        }

        var sorted = samples.Order().ToArray();
        var rank = p / 100.0 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return Math.Round(sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo), 1);
    }
}
