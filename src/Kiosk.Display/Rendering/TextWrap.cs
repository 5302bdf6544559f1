using SkiaSharp;

namespace Kiosk.Display.Rendering;

/// <summary>
/// Line breaking for mixed Chinese and English. English breaks at spaces. The kiosk's own strings (the prompt table's,
/// <see cref="ScreenText"/>'s) break only between words: after CJK punctuation, at a space, before 请 (every clause of
/// the UI strings that starts with "please" starts a word there) and between Chinese and Latin text, never inside a
/// Chinese word such as 健康码 or 工作人员. Other text (a masked name, a detail) may also break between any two CJK
/// characters.
/// </summary>
internal static class TextWrap
{
    private const string NoLineStart = "，。：；？！、）》”’…,.:;?!)";

    private const string BreakAfter = "，。：；？！、）》”…";

    /// <summary>A wrapped line: its text and where it starts in the string it was cut from.</summary>
    public readonly record struct Line(string Text, int Start);

    /// <summary>
    /// Splits <paramref name="text"/> into lines no wider than <paramref name="maxWidth"/>. A piece between two break
    /// opportunities that is wider than the line is cut where it must be; <paramref name="forced"/> then says so (the
    /// layout shrinks the text rather than break a word).
    /// </summary>
    public static List<Line> Wrap(string text, SKFont font, float maxWidth, bool words, out bool forced)
    {
        forced = false;
        var lines = new List<Line>();
        if (font.MeasureText(text) <= maxWidth)
        {
            lines.Add(new Line(text, 0));
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
                if (font.MeasureText(text.AsSpan(start, candidate - start).TrimEnd(' ')) > maxWidth && end > start)
                {
                    break;
                }

                end = candidate;
                if (IsBreakAfter(text, end, words))
                {
                    lastBreak = end;
                }
            }

            if (end >= text.Length)
            {
                lines.Add(new Line(text[start..].TrimEnd(), start));
                break;
            }

            int cut;
            if (lastBreak > start)
            {
                cut = lastBreak;
            }
            else
            {
                cut = end;
                forced = true;
            }

            lines.Add(new Line(text[start..cut].TrimEnd(), start));
            start = cut;
            while (start < text.Length && text[start] == ' ')
            {
                start++;
            }
        }

        return lines;
    }

    /// <summary>May a line end after <c>text[..index]</c> (and the next start at <paramref name="index"/>)?</summary>
    public static bool IsBreakAfter(string text, int index, bool words)
    {
        if (index <= 0 || index >= text.Length)
        {
            return true;
        }

        var before = text[index - 1];
        var after = text[index];
        if (NoLineStart.Contains(after, StringComparison.Ordinal))
        {
            return false;
        }

        if (before == ' ' || after == ' ')
        {
            return true;
        }

        var cjkBefore = IsCjk(before);
        var cjkAfter = IsCjk(after);
        if (cjkBefore != cjkAfter)
        {
            return true;
        }

        if (!cjkBefore)
        {
            return false;
        }

        return !words || BreakAfter.Contains(before, StringComparison.Ordinal) || after == '请';
    }

    private static bool IsCjk(char c) => c >= '\u2E80';
}
