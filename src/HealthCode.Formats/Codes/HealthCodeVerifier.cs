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

/// <summary>The verifier of the kiosk's hot path: the layers of <see cref="HealthCodeInspector"/>, skipping diagnostics the checkpoint does not need.</summary>
public static class HealthCodeVerifier
{
    /// <summary>Verifies <paramref name="text"/> against <paramref name="trust"/> at <paramref name="now"/>. Never throws on any text.</summary>
    public static HealthCodeVerification Verify(string? text, TrustList trust, DateTimeOffset now, TimeSpan? skew = null)
    {
        var inspection = HealthCodeInspector.Run(text, InspectionContext.ForTrustList(trust, now, skew), detailed: false);
        var trusted = inspection.Verdict is CodeVerdict.Valid or CodeVerdict.Expired or CodeVerdict.NotYetValid;
        return new HealthCodeVerification(inspection.Verdict, inspection.Iss, trusted ? inspection.Claim : null);
    }
}
