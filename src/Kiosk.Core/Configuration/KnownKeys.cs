using System.Reflection;

namespace Kiosk.Core.Configuration;

/// <summary>
/// The keys an options section knows (its options types' public settable properties) and, for a key it does not know,
/// the one line that says so with the closest known key: <c>unknown key 'Checkpoint:FeverThreshold'; did you mean
/// 'Checkpoint:FeverThresholdC'?</c>. Used for configuration files at start and for <c>config/desired</c> at run time.
/// </summary>
public static class KnownKeys
{
    /// <summary>The top-level keys (<c>Section:Property</c>) of <paramref name="optionsTypes"/> bound to <paramref name="section"/>.</summary>
    public static IReadOnlyList<string> Of(string section, params Type[] optionsTypes) =>
        optionsTypes.SelectMany(Properties).Select(p => $"{section}:{p.Name}").Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    /// <summary>True when <paramref name="name"/> is a public settable property of one of <paramref name="optionsTypes"/> (any case).</summary>
    public static bool IsProperty(string name, params Type[] optionsTypes) =>
        optionsTypes.SelectMany(Properties).Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The line for an unknown <paramref name="key"/>, naming the closest of <paramref name="known"/> when one is close.</summary>
    public static string Unknown(string key, IEnumerable<string> known)
    {
        var printable = OneLine.Of(key.Length > 80 ? key[..80] + "…" : key);
        return Closest(key, known) is { } near
            ? $"unknown key '{printable}'; did you mean '{near}'?"
            : $"unknown key '{printable}'";
    }

    /// <summary>
    /// The known key nearest to <paramref name="key"/> (case-insensitive edit distance; a known key that starts with or
    /// is contained in the one typed counts as near), or null when none is within about a third of its length.
    /// </summary>
    public static string? Closest(string key, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(key.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance || (distance == bestDistance && best is not null && string.CompareOrdinal(candidate, best) < 0))
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        var section = key.Split(':')[0].Length + 1;
        var allowed = Math.Max(2, (key.Length - section) / 3 + 1);
        return best is not null && bestDistance <= allowed ? best : null;
    }

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);
}
