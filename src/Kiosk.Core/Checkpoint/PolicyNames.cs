namespace Kiosk.Core.Checkpoint;

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
        Reason.IdentityUnconfirmed => "identity_unconfirmed",
        Reason.IdentityMismatch => "identity_mismatch",
        Reason.TemperatureUnavailable => "temperature_unavailable",
        Reason.TemperatureHigh => "temperature_high",
        Reason.Ok => "ok",
        Reason.DocumentInvalid => "document_invalid",
        Reason.DocumentExpired => "document_expired",
        Reason.NoRecord => "no_record",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    public static string Of(DecisionVia via) => via == DecisionVia.Card ? "card" : "code";

    public static IReadOnlyList<Reason> AllReasons { get; } = Enum.GetValues<Reason>();
}
