namespace Kiosk.Core.Checkpoint;

/// <summary>One look at the card reader.</summary>
/// <param name="At">When the look ended.</param>
/// <param name="Kind">What it found.</param>
/// <param name="Card">The card, when <see cref="CardReadKind.Read"/>.</param>
/// <param name="FoundAt">When the reader first found this card (<c>9F</c>); a decision's latency counts from it.</param>
public readonly record struct CardSighting(DateTimeOffset At, CardReadKind Kind, IdentityCard? Card, DateTimeOffset FoundAt);
