namespace HealthCode.Formats;

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
