using SkiaSharp;

namespace Kiosk.Display.Rendering;

/// <summary>Greedy line breaking for mixed Chinese and English: breaks at spaces and between CJK characters.</summary>
internal static class TextWrap
{
    private const string NoLineStart = "，。：；？！、）》”’…,.:;?!)";

    /// <summary>Splits <paramref name="text"/> into lines no wider than <paramref name="maxWidth"/> (a single unbreakable word may exceed it).</summary>
    public static List<string> Wrap(string text, SKFont font, float maxWidth)
    {
        var lines = new List<string>();
        if (font.MeasureText(text) <= maxWidth)
        {
            lines.Add(text);
            return lines;
        }

        var start = 0;
        while (start < text.Length)
        {
            var lastBreak = -1;
            var end = start;
            while (end < text.Length)
            {
                var candidate = end + 1;
                if (font.MeasureText(text.AsSpan(start, candidate - start)) > maxWidth && end > start)
                {
                    break;
                }

                end = candidate;
                if (IsBreakAfter(text, end))
                {
                    lastBreak = end;
                }
            }

            if (end >= text.Length)
            {
                lines.Add(text[start..].Trim());
                break;
            }

            var cut = lastBreak > start ? lastBreak : end;
            lines.Add(text[start..cut].Trim());
            start = cut;
            while (start < text.Length && text[start] == ' ')
            {
                start++;
            }
        }

        return lines;
    }

    /// <summary>May a line end after <c>text[..index]</c>?</summary>
    private static bool IsBreakAfter(string text, int index)
    {
        if (index >= text.Length)
        {
            return true;
        }

        var before = text[index - 1];
        var after = text[index];
        if (NoLineStart.Contains(after, StringComparison.Ordinal))
        {
            return false;
        }

        return before == ' ' || after == ' ' || IsCjk(before) || IsCjk(after);
    }

    private static bool IsCjk(char c) => c >= '\u2E80';
}
