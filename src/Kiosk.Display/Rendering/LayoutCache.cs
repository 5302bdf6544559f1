namespace Kiosk.Display.Rendering;

/// <summary>
/// The layouts a <see cref="ScreenRenderer"/> has made, by screen: a model equal to one laid out before (by value, its
/// lines item by item) gets the same layout without measuring a text again. Bounded: when full it starts over (a kiosk
/// shows a few dozen screens; the strip's clock makes a new one each minute). One renderer's, not thread-safe.
/// </summary>
internal sealed class LayoutCache
{
    /// <summary>Screens kept.</summary>
    public const int Capacity = 64;

    private readonly Dictionary<ScreenModel, ScreenLayout> _layouts = new(ByValue.Instance);

    /// <summary>The layout of <paramref name="model"/>, made by <paramref name="layout"/> the first time.</summary>
    public ScreenLayout GetOrAdd(ScreenModel model, Func<ScreenModel, ScreenLayout> layout)
    {
        if (_layouts.TryGetValue(model, out var kept))
        {
            return kept;
        }

        if (_layouts.Count >= Capacity)
        {
            _layouts.Clear();
        }

        var made = layout(model);
        _layouts[model] = made;
        return made;
    }

    /// <summary>Screens laid out and kept now.</summary>
    public int Count => _layouts.Count;

    /// <summary>Models compared by value: every field, and the lines item by item (the record compares the list by reference).</summary>
    private sealed class ByValue : IEqualityComparer<ScreenModel>
    {
        public static readonly ByValue Instance = new();

        public bool Equals(ScreenModel? x, ScreenModel? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null && x with { Lines = y.Lines } == y && x.Lines.SequenceEqual(y.Lines));

        public int GetHashCode(ScreenModel model)
        {
            var hash = new HashCode();
            hash.Add(model.Icon);
            hash.Add(model.Tone);
            hash.Add(model.Status);
            hash.Add(model.Headline);
            hash.Add(model.MaskedName);
            hash.Add(model.Proxy);
            hash.Add(model.Language);
            hash.Add(model.Detail);
            foreach (var line in model.Lines)
            {
                hash.Add(line);
            }

            return hash.ToHashCode();
        }
    }
}
