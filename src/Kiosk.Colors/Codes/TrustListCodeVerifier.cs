using HealthCode.Formats;
using Kiosk.Core.Checkpoint;

namespace Kiosk.Colors.Codes;

/// <summary>
/// The kiosk's <see cref="ICodeVerifier"/>: verifies a code offline against the trust list in force
/// (<see cref="ITrustListSource.Current"/>, read per code so a new signed list takes effect at once).
/// Public keys are imported once per trust-list entry and cached there.
/// </summary>
public sealed class TrustListCodeVerifier : ICodeVerifier
{
    private readonly ITrustListSource _trust;
    private readonly TimeSpan _skew;

    /// <param name="trust">The trust list in force.</param>
    /// <param name="skew">The skew of health-code.md for <c>exp</c> and <c>iat</c>: the kiosk passes <c>Checkpoint:ClockSkew</c>.</param>
    public TrustListCodeVerifier(ITrustListSource trust, TimeSpan skew)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentOutOfRangeException.ThrowIfLessThan(skew, TimeSpan.Zero);
        _trust = trust;
        _skew = skew;
    }

    /// <inheritdoc />
    public VerifiedCode Verify(string qrText, DateTimeOffset now)
    {
        var result = HealthCodeVerifier.Verify(qrText, _trust.Current, now, _skew);
        return result.Verdict == CodeVerdict.NotACode && result.Issuer is null
            ? VerifiedCode.NotACode
            : new VerifiedCode(result.Verdict, result.Issuer, result.Claim);
    }
}
