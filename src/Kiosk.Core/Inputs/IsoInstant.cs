using System.Globalization;

namespace Kiosk.Core.Inputs;

/// <summary>
/// An instant written in ISO 8601 (RFC 3339 profile), the only form the command line and scenario files accept:
/// <c>2026-06-01</c>, <c>2026-06-01T08:00</c>, <c>2026-06-01T08:00:00Z</c>, <c>2026-06-01T08:00:00.250+08:00</c>.
/// Without an offset the time is UTC. The fraction may have any number of digits (<c>.971336500</c>, nine, is what the
/// EU corpus writes); .NET holds 100 ns, so digits past the seventh are dropped. Culture forms (<c>June 1, 2026</c>, <c>1/6/2026</c>) are refused: one of them
/// reads day and month the other way round on another machine.
/// </summary>
public static class IsoInstant
{
    private static readonly string[] Formats =
    [
        "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK",
        "yyyy'-'MM'-'dd'T'HH':'mmK",
        "yyyy'-'MM'-'dd",
    ];

    /// <summary>Parses <paramref name="text"/>; false when it is not one of the ISO 8601 forms above.</summary>
    public static bool TryParse(string? text, out DateTimeOffset instant)
    {
        instant = default;
        return text is not null
            && DateTimeOffset.TryParseExact(WithAtMostSevenFractionDigits(text), Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
    }

    // "…:12.971336500Z" → "…:12.9713365Z": the digits past 100 ns carry nothing .NET can hold, and its format stops at 7.
    private static string WithAtMostSevenFractionDigits(string text)
    {
        // The fraction follows the seconds: yyyy-MM-ddTHH:mm:ss is 19 characters.
        if (text.Length <= 20 || text[19] != '.')
        {
            return text;
        }

        var end = 20;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return end - 20 <= 7 ? text : string.Concat(text.AsSpan(0, 27), text.AsSpan(end));
    }

    /// <summary>How to write an instant in messages: <c>2026-06-01T08:00:00Z</c>.</summary>
    public static string Format(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);
}
