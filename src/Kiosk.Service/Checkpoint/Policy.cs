using HealthCode.Formats;

namespace Kiosk.Service.Checkpoint;

/// <summary>PASS or REFER.</summary>
public enum Outcome
{
    Pass,
    Refer,
}

/// <summary>Reason codes of checkpoint-policy.md, in rule order.</summary>
public enum Reason
{
    CodeUnrecognized,
    CodeInvalid,
    ClockFault,
    CodeExpired,
    CodeNotYetValid,
    ColorDataStale,
    HealthStatus,
    TemperatureUnavailable,
    TemperatureHigh,
    Ok,
}

/// <summary>The wire names of outcomes and reasons (events, logs, scenario expectations).</summary>
public static class PolicyNames
{
    public static string Of(Outcome outcome) => outcome == Outcome.Pass ? "pass" : "refer";

    public static string Of(Reason reason) => reason switch
    {
        Reason.CodeUnrecognized => "code_unrecognized",
        Reason.CodeInvalid => "code_invalid",
        Reason.ClockFault => "clock_fault",
        Reason.CodeExpired => "code_expired",
        Reason.CodeNotYetValid => "code_not_yet_valid",
        Reason.ColorDataStale => "color_data_stale",
        Reason.HealthStatus => "health_status",
        Reason.TemperatureUnavailable => "temperature_unavailable",
        Reason.TemperatureHigh => "temperature_high",
        Reason.Ok => "ok",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    public static IReadOnlyList<Reason> AllReasons { get; } = Enum.GetValues<Reason>();
}

/// <summary>The tunables of the policy (checkpoint-policy.md defaults).</summary>
public sealed record PolicySettings
{
    public TimeSpan MaxColorDataAge { get; init; } = TimeSpan.FromHours(24);

    public double FeverThresholdC { get; init; } = 37.3;
}

/// <summary>A decision and why.</summary>
public readonly record struct Decision(Outcome Outcome, Reason Reason)
{
    public static Decision Refer(Reason reason) => new(Outcome.Refer, reason);
}

/// <summary>
/// checkpoint-policy.md as a pure function: rules 1-7 decide from the code, the clock and the color
/// data alone (<see cref="DecideBeforeTemperature"/>); rules 8-10 add the temperature
/// (<see cref="DecideWithTemperature"/>).
/// </summary>
public static class CheckpointPolicy
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

        if (colorDataAge is not { } age || age > settings.MaxColorDataAge)
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

    /// <summary>The newer statement wins: the record when ct' ≥ ct, else the code. No record: the code's color.</summary>
    public static HealthColor EffectiveColor(HealthColor codeColor, long codeColorTime, (HealthColor Color, long ColorTime)? cached) =>
        cached is { } record && record.ColorTime >= codeColorTime ? record.Color : codeColor;
}
