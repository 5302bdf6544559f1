namespace Kiosk.Core.Configuration;

/// <summary>
/// The one set of values of every language key (<c>Display:Language</c>, <c>Voice:Language</c>, <c>render --lang</c>,
/// <c>speak --lang</c>): <c>zh</c>, <c>en</c> or <c>both</c>. The names of earlier versions (<c>Chinese</c>,
/// <c>English</c>, <c>Both</c>) are still read, so existing configuration files keep working; what the kiosk reports
/// and every error speak <c>zh</c>/<c>en</c>/<c>both</c>.
/// </summary>
public static class LanguageSetting
{
    /// <summary>Mandarin only.</summary>
    public const string Chinese = "zh";

    /// <summary>English only.</summary>
    public const string English = "en";

    /// <summary>Mandarin, then English.</summary>
    public const string Both = "both";

    /// <summary>The allowed values in words, for error messages.</summary>
    public const string Allowed = "zh, en or both";

    /// <summary>
    /// The value as <c>zh</c>, <c>en</c> or <c>both</c> (any case, the earlier <c>Chinese</c>/<c>English</c>/<c>Both</c>
    /// too); null when it is none of them.
    /// </summary>
    public static string? Normalize(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "zh" or "chinese" => Chinese,
        "en" or "english" => English,
        "both" => Both,
        _ => null,
    };

    /// <summary>The error line for a bad value of <paramref name="key"/> (<c>Display:Language</c>, <c>--lang</c>).</summary>
    public static string Error(string key, string? text) =>
        $"{key} must be {Allowed} (got '{OneLine.Of(text is { Length: > 32 } ? text[..32] + "…" : text ?? string.Empty)}')";
}
