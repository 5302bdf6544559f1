namespace Kiosk.Fleet;

/// <summary>
/// One device's line of the <c>selftest</c> answer as <see cref="ISelfTest"/> gives it: <c>verdict: detail</c>, the
/// verdict a plain word a technician acts on (<see cref="Ok"/>, <see cref="Fault"/>, <see cref="None"/>,
/// <see cref="Untested"/>), the detail what was done or seen, in words (never a record's dump, never visitor data).
/// </summary>
public static class SelfTestVerdict
{
    /// <summary>The device answered as it should.</summary>
    public const string Ok = "ok";

    /// <summary>The device is faulty (its alert is active).</summary>
    public const string Fault = "fault";

    /// <summary>No such device is configured on this kiosk.</summary>
    public const string None = "none";

    /// <summary>The device has not been used since the kiosk started, so nothing says whether it works.</summary>
    public const string Untested = "untested";

    /// <summary><c>verdict: detail</c>, or the verdict alone.</summary>
    public static string Format(string verdict, string? detail) => string.IsNullOrEmpty(detail) ? verdict : $"{verdict}: {detail}";

    /// <summary>A line of <see cref="Format"/> (or an older kiosk's free text) as its verdict and detail.</summary>
    public static (string Verdict, string Detail) Split(string? text)
    {
        var value = (text ?? string.Empty).Trim();
        foreach (var verdict in (string[])[Ok, Fault, None, Untested])
        {
            if (value == verdict)
            {
                return (verdict, string.Empty);
            }

            if (value.StartsWith(verdict + ":", StringComparison.Ordinal) || value.StartsWith(verdict + " (", StringComparison.Ordinal))
            {
                return (verdict, Unwrap(value[(verdict.Length + 1)..].Trim()));
            }
        }

        return (value.Length == 0 ? "?" : "see detail", value);
    }

    private static string Unwrap(string text) => text.Length >= 2 && text[0] == '(' && text[^1] == ')' ? text[1..^1].Trim() : text;
}
