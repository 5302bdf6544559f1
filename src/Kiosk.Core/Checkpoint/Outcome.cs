namespace Kiosk.Core.Checkpoint;

/// <summary>PASS or REFER.</summary>
public enum Outcome
{
    Pass,
    Refer,
}
