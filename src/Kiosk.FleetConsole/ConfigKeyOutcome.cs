namespace Kiosk.FleetConsole;

/// <summary>What the kiosk said about one key of a desired document.</summary>
/// <param name="Key">Configuration key, e.g. <c>Checkpoint:FeverThresholdC</c>.</param>
/// <param name="Value">The value asked for; null for a key returned to the kiosk's own value (<c>--unset</c>).</param>
/// <param name="Accepted">True when the document with it was applied.</param>
/// <param name="Reason">Why it was not applied (the kiosk's words), when rejected.</param>
public sealed record ConfigKeyOutcome(string Key, string? Value, bool Accepted, string? Reason);
