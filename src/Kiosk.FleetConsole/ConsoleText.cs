using System.Globalization;
using System.Text;

namespace Kiosk.FleetConsole;

/// <summary>
/// What the console prints of a field it read from the broker: anyone who may publish a kiosk's topics writes these
/// fields, so each is cut to a bound (with …) and its control characters (C0, DEL, C1, and the format characters
/// that include the bidi controls) are shown as <c>\uXXXX</c>, never sent to the terminal.
/// </summary>
internal static class ConsoleText
{
    /// <summary>The longest field kept from a retained message (version, boot id, feed, a problem, a state).</summary>
    public const int FieldLength = 64;

    /// <summary>The most problems kept per kiosk.</summary>
    public const int MaxProblems = 16;

    /// <summary>The longest alert detail kept.</summary>
    public const int DetailLength = 200;

    /// <summary>The largest payload the console parses; a larger status is unreadable, a larger event ignored.</summary>
    public const int MaxPayload = 64 * 1024;

    /// <summary><paramref name="text"/> cut to <paramref name="max"/> characters, its last one … when cut (null stays null).</summary>
    public static string? Bound(string? text, int max = FieldLength) =>
        text is null || text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    /// <summary><paramref name="text"/> with every control or format character escaped as <c>\uXXXX</c>: safe to write to a terminal.</summary>
    public static string Printable(string text)
    {
        var clean = true;
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>A field for a table cell: escaped, then cut to <paramref name="max"/>.</summary>
    public static string Cell(string text, int max = FieldLength) => Bound(Printable(text), max)!;

    private static bool IsUnsafe(char c) => char.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control => true, // C0, DEL, C1
        UnicodeCategory.Format => true, // bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E/F), zero-width, BOM
        UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => true,
        _ => false,
    };
}
