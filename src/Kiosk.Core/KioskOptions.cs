using System.ComponentModel.DataAnnotations;

namespace Kiosk.Core;

/// <summary>Section <c>Kiosk</c>: who this kiosk is and where it keeps its state.</summary>
public sealed class KioskOptions
{
    public const string Section = "Kiosk";

    /// <summary>Site name: the <c>{site}</c> of the MQTT topics.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Site must be 1-64 characters of A-Z a-z 0-9 _ . -")]
    public string Site { get; set; } = "demo-site";

    /// <summary>Kiosk id: the <c>{kioskId}</c> of the MQTT topics.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "KioskId must be 1-64 characters of A-Z a-z 0-9 _ . -")]
    public string KioskId { get; set; } = "kiosk-01";

    /// <summary>Where SQLite files and the event seq live (systemd: <c>StateDirectory=kiosk</c> → /var/lib/kiosk).</summary>
    [Required]
    public string DataDirectory { get; set; } = "/var/lib/kiosk";

    /// <summary>Per-site secret for <c>codeRef</c> (base64, ≥ 16 bytes). Empty: a random one per process (refs then do not match across restarts).</summary>
    public string SiteSecret { get; set; } = string.Empty;
}
