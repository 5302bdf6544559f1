using HealthCode.Formats;
using HealthCode.Formats.Identity;

namespace Kiosk.Core.Checkpoint;

/// <summary>
/// checkpoint-policy.md and identity.md as a pure function: rules 1-7 decide from the code, the clock and the color
/// data alone (<see cref="DecideBeforeTemperature"/>); in document mode rules 7a and 7b add the holder's card
/// (<see cref="DecideIdentity"/>); a card without a code takes C1-C6 (<see cref="DecideCardBeforeTemperature"/>);
/// rules 8-10 add the temperature (<see cref="DecideWithTemperature"/>), for codes and cards alike.
/// </summary>
internal static class CheckpointPolicy
{
    /// <summary>Rules 1-7. Returns null when the visitor must be measured (rules 8-10 decide).</summary>
    /// <param name="code">The code's verdict and claims.</param>
    /// <param name="clockFault">The clock is behind the latest signed time (color-feed.md rule 8).</param>
    /// <param name="colorDataAge">now − in-sync-as-of; null when never synced.</param>
    /// <param name="cachedColor">The cached record for (issuer, id), if any: (color, ct').</param>
    /// <param name="settings">Thresholds.</param>
    public static Decision? DecideBeforeTemperature(
        VerifiedCode code,
        bool clockFault,
        TimeSpan? colorDataAge,
        (HealthColor Color, long ColorTime)? cachedColor,
        PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(settings);

        switch (code.Verdict)
        {
            case CodeVerdict.NotACode:
                return Decision.Refer(Reason.CodeUnrecognized);
            case CodeVerdict.Malformed:
            case CodeVerdict.Untrusted:
                return Decision.Refer(Reason.CodeInvalid);
        }

        if (clockFault)
        {
            return Decision.Refer(Reason.ClockFault);
        }

        switch (code.Verdict)
        {
            case CodeVerdict.Expired:
                return Decision.Refer(Reason.CodeExpired);
            case CodeVerdict.NotYetValid:
                return Decision.Refer(Reason.CodeNotYetValid);
            case CodeVerdict.Valid:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(code), code.Verdict, "Unknown verdict.");
        }

        if (ColorDataFreshness.IsStale(colorDataAge, settings.MaxColorDataAge))
        {
            return Decision.Refer(Reason.ColorDataStale);
        }

        if (code.Claims is not { } claims)
        {
            // A valid verdict always carries its claim; without one there is nothing to classify.
            return Decision.Refer(Reason.CodeInvalid);
        }

        if (EffectiveColor(claims.Color, claims.ColorTime, cachedColor) != HealthColor.Green)
        {
            return Decision.Refer(Reason.HealthStatus);
        }

        return null;
    }

    /// <summary>Rules 8-10, for a visitor who passed rules 1-7.</summary>
    /// <remarks>
    /// A first reading at or above the threshold whose retest gave no reading refers as
    /// <see cref="Reason.TemperatureHigh"/>: the only valid reading was high, and the policy's rule 9
    /// cannot be cleared without a normal retest (the spec is silent on this case).
    /// </remarks>
    public static Decision DecideWithTemperature(TemperatureResult temperature, PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(temperature);
        ArgumentNullException.ThrowIfNull(settings);

        if (temperature.FirstC is not { } first)
        {
            return Decision.Refer(Reason.TemperatureUnavailable);
        }

        if (first >= settings.FeverThresholdC)
        {
            if (temperature.RetestC is not { } retest || retest >= settings.FeverThresholdC)
            {
                return Decision.Refer(Reason.TemperatureHigh);
            }
        }

        return new Decision(Outcome.Pass, Reason.Ok);
    }

    /// <summary>
    /// Rules 7a and 7b of identity.md (document mode, after rules 1-7 passed). Returns null when the card confirms the
    /// code (rules 8-10 decide).
    /// </summary>
    /// <param name="codeDocument">The code's <c>d</c>, if it carries one.</param>
    /// <param name="hasDocKey">The kiosk holds a docKey.</param>
    /// <param name="validCard">The docRef of the valid card that came within <c>CardTimeout</c>; null when none came.</param>
    public static Decision? DecideIdentity(DocRef? codeDocument, bool hasDocKey, DocRef? validCard)
    {
        if (codeDocument is not { } expected || !hasDocKey || validCard is not { } card)
        {
            return Decision.Refer(Reason.IdentityUnconfirmed);
        }

        return card == expected ? null : Decision.Refer(Reason.IdentityMismatch);
    }

    /// <summary>
    /// Whether a card could confirm this code at all: it carries <c>d</c> and the kiosk holds a docKey. When not, rule
    /// 7a refers at once, without asking for a card.
    /// </summary>
    public static bool CardCanConfirm(DocRef? codeDocument, bool hasDocKey) => codeDocument is not null && hasDocKey;

    /// <summary>
    /// The card path C1-C6 of identity.md (a card on the reader, no code shown). Returns null when the visitor must be
    /// measured (C7: rules 8-10 decide).
    /// </summary>
    /// <param name="card">The card's checks (<see cref="ResidentIdCard.Check"/>); not well-formed for a card the reader could not read.</param>
    /// <param name="docRef">The card's docRef; null when the kiosk has no docKey or the card is not well-formed.</param>
    /// <param name="clockFault">The clock is behind the latest signed time (rule 3).</param>
    /// <param name="colorDataAge">now − in-sync-as-of; null when never synced (rule 6).</param>
    /// <param name="documentRecord">The document record for the card's docRef, if any: (color, ct).</param>
    /// <param name="settings">Thresholds.</param>
    public static Decision? DecideCardBeforeTemperature(
        CardCheck card,
        DocRef? docRef,
        bool clockFault,
        TimeSpan? colorDataAge,
        (HealthColor Color, long ColorTime)? documentRecord,
        PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!card.WellFormed || docRef is null)
        {
            return Decision.Refer(Reason.DocumentInvalid);
        }

        if (clockFault)
        {
            return Decision.Refer(Reason.ClockFault);
        }

        if (!card.InDate)
        {
            return Decision.Refer(Reason.DocumentExpired);
        }

        if (ColorDataFreshness.IsStale(colorDataAge, settings.MaxColorDataAge))
        {
            return Decision.Refer(Reason.ColorDataStale);
        }

        if (documentRecord is not { } record)
        {
            return Decision.Refer(Reason.NoRecord);
        }

        return record.Color == HealthColor.Green ? null : Decision.Refer(Reason.HealthStatus);
    }

    /// <summary>The newer statement wins: the record when ct' ≥ ct, else the code. No record: the code's color.</summary>
    public static HealthColor EffectiveColor(HealthColor codeColor, long codeColorTime, (HealthColor Color, long ColorTime)? cached) =>
        cached is { } record && record.ColorTime >= codeColorTime ? record.Color : codeColor;
}
