namespace Kiosk.Core;

/// <summary>Messages as one line: what a CLI error, an alert detail or a log field shows of an exception's text.</summary>
public static class OneLine
{
    /// <summary>The text with its line breaks turned into spaces, trimmed.</summary>
    public static string Of(string text) => text.ReplaceLineEndings(" ").Trim();
}
