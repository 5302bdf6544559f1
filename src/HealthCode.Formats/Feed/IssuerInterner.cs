namespace HealthCode.Formats.Feed;

/// <summary>Maps issuer names read as spans to one shared string each, so a million records hold a handful of strings.</summary>
internal sealed class IssuerInterner(int maxDistinct)
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private string? _last;

    /// <summary>The shared string for <paramref name="name"/>; null when the limit of distinct names is reached.</summary>
    public string? Intern(ReadOnlySpan<char> name)
    {
        // Records are usually grouped by issuer: the previous name is the likely hit.
        if (_last is not null && name.SequenceEqual(_last))
        {
            return _last;
        }

        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(name, out var interned))
        {
            if (_strings.Count >= maxDistinct)
            {
                return null;
            }

            interned = new string(name);
            _strings.Add(interned, interned);
        }

        _last = interned;
        return interned;
    }
}
