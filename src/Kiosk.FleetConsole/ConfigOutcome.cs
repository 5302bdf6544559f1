namespace Kiosk.FleetConsole;

/// <summary>The kiosk's answer to one desired document.</summary>
/// <param name="Status"><c>applied</c>, <c>unchanged</c>, <c>rejected</c> or <c>timeout</c>.</param>
/// <param name="Version">The version published.</param>
/// <param name="Reason">The kiosk's reason when rejected.</param>
/// <param name="Keys">Each key set or unset by this command.</param>
/// <param name="Restored">True when a rejected document was replaced on the broker by the one before it.</param>
public sealed record ConfigOutcome(string Status, long Version, string? Reason, IReadOnlyList<ConfigKeyOutcome> Keys, bool Restored)
{
    /// <summary>True when the kiosk runs with the document.</summary>
    public bool Accepted => Status is "applied" or "unchanged";
}
