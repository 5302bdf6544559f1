namespace Kiosk.Core.Checkpoint;

/// <summary>How a decision came about: a code shown (rules 1-10, 7a and 7b included) or a card alone (C1-C7).</summary>
public enum DecisionVia
{
    Code,
    Card,
}
