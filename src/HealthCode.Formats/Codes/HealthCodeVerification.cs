namespace HealthCode.Formats;

/// <summary>The outcome of verifying one code for the checkpoint.</summary>
/// <param name="Verdict">The verdict of health-code.md.</param>
/// <param name="Issuer">The code's <c>iss</c> when the claims were decoded.</param>
/// <param name="Claim">Claim -1001, only when the signature is trusted (verdict valid, expired or not yet valid).</param>
public sealed record HealthCodeVerification(CodeVerdict Verdict, string? Issuer, HealthCodeClaim? Claim)
{
    /// <summary>Never prints the claim (privacy).</summary>
    public override string ToString() => $"HealthCodeVerification({CodeInspection.VerdictName(Verdict)}, {Issuer})";
}
