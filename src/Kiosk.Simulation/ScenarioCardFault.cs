namespace Kiosk.Simulation;

/// <summary>How a scenario card behaves on the reader.</summary>
public enum ScenarioCardFault
{
    /// <summary>Read whole.</summary>
    None,

    /// <summary>Found (<c>9F</c>), but every read answers <c>41</c>.</summary>
    Unreadable,
}
