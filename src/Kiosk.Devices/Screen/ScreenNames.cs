using Kiosk.Core.Checkpoint;

namespace Kiosk.Devices.Screen;

/// <summary>
/// The stable names of the screens (<c>kiosk render --screen</c>, the file names of saved screens): each
/// <see cref="PromptKind"/> in snake case, <c>idle</c>, <c>place_card</c>, ...
/// </summary>
public static class ScreenNames
{
    /// <summary>Every screen's name, in the order of <see cref="PromptKind"/>.</summary>
    public static IReadOnlyList<string> All { get; } = Enum.GetValues<PromptKind>().Select(Of).ToArray();

    /// <summary>The snake_case name of <paramref name="kind"/>.</summary>
    public static string Of(PromptKind kind) =>
        string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>The screen of a name, exactly as <see cref="All"/> spells it (<c>place_card</c>); null when unknown.</summary>
    public static PromptKind? Parse(string name)
    {
        foreach (var kind in Enum.GetValues<PromptKind>())
        {
            if (string.Equals(name, Of(kind), StringComparison.Ordinal))
            {
                return kind;
            }
        }

        return null;
    }
}
