namespace Kiosk.Colors.Codes;

/// <summary>
/// Section <c>HealthCode</c>: the provisioning trust list. The skew of health-code.md is not here: it is
/// <c>Checkpoint:ClockSkew</c>, the one skew of code validity and of the clock check.
/// </summary>
public sealed class HealthCodeOptions
{
    public const string Section = "HealthCode";

    /// <summary>A JSON trust list for offline provisioning and tests; the signed <c>trust</c> feed message replaces it in the field.</summary>
    public string? TrustListFile { get; set; }
}
