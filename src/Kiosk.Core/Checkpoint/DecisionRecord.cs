namespace Kiosk.Core.Checkpoint;

/// <summary>One decision as the kiosk made it. Holds the claim for the screen; only <see cref="Checkpoint.Decision"/> and metadata leave the kiosk.</summary>
/// <param name="Decision">Outcome and reason.</param>
/// <param name="Code">The verified code (verdict, issuer, claim): never published. Null on the card path.</param>
/// <param name="Temperature">The measurement, when rules 8-10 ran.</param>
/// <param name="SeenAt">When the code was first in view, or (card path) when the reader found the card.</param>
/// <param name="DecidedAt">When the decision was made.</param>
public sealed record DecisionRecord(Decision Decision, VerifiedCode? Code, TemperatureResult? Temperature, DateTimeOffset SeenAt, DateTimeOffset DecidedAt)
{
    /// <summary>The card of a card-path decision (no code shown); null on the code path.</summary>
    public CardPathCard? Card { get; init; }

    /// <summary><c>card</c> when a card alone was decided; <c>code</c> otherwise (rules 7a and 7b included).</summary>
    public DecisionVia Via => Code is null ? DecisionVia.Card : DecisionVia.Code;

    public TimeSpan Latency => DecidedAt - SeenAt;

    /// <summary>The temperature that decided: the retest when there was one, else the first reading; 0.1 °C.</summary>
    public double? ReportedTemperatureC => (Temperature?.RetestC ?? Temperature?.FirstC) is { } t ? Math.Round(t, 1, MidpointRounding.AwayFromZero) : null;
}
