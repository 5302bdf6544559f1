namespace Kiosk.Core.Checkpoint;

/// <summary>A decision and why.</summary>
public readonly record struct Decision(Outcome Outcome, Reason Reason)
{
    public static Decision Refer(Reason reason) => new(Outcome.Refer, reason);
}
