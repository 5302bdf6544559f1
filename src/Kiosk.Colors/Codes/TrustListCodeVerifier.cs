using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using Microsoft.Extensions.Options;

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

    public TrustListCodeVerifier(ITrustListSource trust, TimeSpan skew)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentOutOfRangeException.ThrowIfLessThan(skew, TimeSpan.Zero);
        _trust = trust;
        _skew = skew;
    }

    public TrustListCodeVerifier(ITrustListSource trust, IOptions<HealthCodeOptions> options)
        : this(trust, (options ?? throw new ArgumentNullException(nameof(options))).Value.Skew)
    {
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
