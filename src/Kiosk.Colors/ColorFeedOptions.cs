
namespace Kiosk.Colors;

/// <summary>Configuration section <c>ColorFeed</c>: which feed the kiosk accepts and where it keeps it.</summary>
/// <remarks>The same section's broker keys (host, port, TLS, credentials, topics) are the feed link's, read by the
/// fleet assembly (<c>Kiosk.Fleet.FeedLinkOptions</c>): the color store knows no MQTT.</remarks>
public sealed class ColorFeedOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "ColorFeed";

    /// <summary>The feed this kiosk accepts (e.g. <c>CN-HL</c>).</summary>
    public string Feed { get; set; } = "";

    /// <summary>The pinned authority public key: base64 SubjectPublicKeyInfo DER (P-256).</summary>
    public string AuthorityKey { get; set; } = "";

    /// <summary>The SQLite file of the color store; a relative path is under <c>Kiosk:DataDirectory</c>.</summary>
    /// <remarks>Freshness and skew are not here: <c>Checkpoint:MaxColorDataAge</c> and <c>Checkpoint:ClockSkew</c> drive the feed too.</remarks>
    public string DatabasePath { get; set; } = "colors.db";

    /// <summary>How often <c>clock_fault</c> and <c>color_data_stale</c> are re-evaluated.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most gap batches kept aside.</summary>
    public int MaxPendingBatches { get; set; } = 1024;

    /// <summary>Largest feed message accepted, from the broker or a file (snapshots are tens of MB).</summary>
    public int MaxPacketBytes { get; set; } = 256 * 1024 * 1024;
}
