using System.ComponentModel.DataAnnotations;

namespace Kiosk.Colors.Codes;

/// <summary>Section <c>HealthCode</c>: how codes are verified.</summary>
public sealed class HealthCodeOptions
{
    public const string Section = "HealthCode";

    /// <summary>Allowed clock difference for <c>exp</c> and <c>iat</c> (health-code.md: 120 s).</summary>
    [Range(0, 3600)]
    public int SkewSeconds { get; set; } = 120;

    /// <summary>A JSON trust list for offline provisioning and tests; the signed <c>trust</c> feed message replaces it in the field.</summary>
    public string? TrustListFile { get; set; }

    public TimeSpan Skew => TimeSpan.FromSeconds(SkewSeconds);
}
