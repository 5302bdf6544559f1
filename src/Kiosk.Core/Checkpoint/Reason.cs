namespace Kiosk.Core.Checkpoint;

/// <summary>Reason codes of checkpoint-policy.md and identity.md, in rule order (code path, then the card path's own).</summary>
public enum Reason
{
    CodeUnrecognized,
    CodeInvalid,
    ClockFault,
    CodeExpired,
    CodeNotYetValid,
    ColorDataStale,
    HealthStatus,

    /// <summary>Rule 7a (document mode): no <c>d</c>, no docKey, or no valid card within <c>CardTimeout</c>.</summary>
    IdentityUnconfirmed,

    /// <summary>Rule 7b (document mode): the valid card's docRef differs from the code's <c>d</c>.</summary>
    IdentityMismatch,
    TemperatureUnavailable,
    TemperatureHigh,
    Ok,

    /// <summary>Card path C1: the card is not well-formed, or the kiosk has no docKey.</summary>
    DocumentInvalid,

    /// <summary>Card path C3: the card is not in date.</summary>
    DocumentExpired,

    /// <summary>Card path C5: no document record for the card's docRef.</summary>
    NoRecord,
}
