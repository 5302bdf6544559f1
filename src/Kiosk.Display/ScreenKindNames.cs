namespace Kiosk.Display;

/// <summary>The stable names of the screens (<c>kiosk render --screen</c>, capture file names): <c>idle</c>, <c>place_card</c>, ...</summary>
public static class ScreenKindNames
{
    /// <summary>Every screen's name, in enum order.</summary>
    public static IReadOnlyList<string> All { get; } = Enum.GetValues<ScreenKind>().Select(Of).ToArray();

    /// <summary>The snake_case name of <paramref name="kind"/>.</summary>
    public static string Of(ScreenKind kind) => kind switch
    {
        ScreenKind.PlaceCard => "place_card",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The screen of a name (snake_case, case-insensitive; <c>place-card</c> and <c>placecard</c> too); null when unknown.</summary>
    public static ScreenKind? Parse(string name)
    {
        var key = name.Trim().ToLowerInvariant().Replace('-', '_');
        foreach (var kind in Enum.GetValues<ScreenKind>())
        {
            if (key == Of(kind) || key == kind.ToString().ToLowerInvariant())
            {
                return kind;
            }
        }

        return null;
    }
}
