using HealthCode.Formats;

namespace Kiosk.Core.Checkpoint;

/// <summary>What the code verifier hands the policy (health-code.md, "Verdicts of one code").</summary>
/// <param name="Verdict">The verdict.</param>
/// <param name="Issuer">The code's <c>iss</c>, when the code was decoded.</param>
/// <param name="Claims">The health-code claim of a decoded, signature-checked code.</param>
public sealed record VerifiedCode(CodeVerdict Verdict, string? Issuer, HealthCodeClaim? Claims)
{
    public static VerifiedCode NotACode { get; } = new(CodeVerdict.NotACode, null, null);
}
