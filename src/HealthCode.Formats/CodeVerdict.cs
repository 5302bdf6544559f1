namespace HealthCode.Formats;

/// <summary>Verdict of one code, exactly the table of <c>health-code.md</c>.</summary>
public enum CodeVerdict
{
    Valid,
    NotACode,
    Malformed,
    Untrusted,
    Expired,
    NotYetValid,
}
