using System.ComponentModel.DataAnnotations;

namespace Kiosk.Colors;

/// <summary>Configuration section <c>ColorFeed</c>: which feed the kiosk accepts and where it keeps it.</summary>
/// <remarks>The same section's broker keys (host, port, TLS, credentials, topics) are the feed link's, read by the
/// fleet assembly (<c>Kiosk.Fleet.FeedLinkOptions</c>): the color store knows no MQTT.</remarks>
public sealed class ColorFeedOptions : IValidatableObject
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

    /// <summary>The default of <see cref="SnapshotAfter"/>: 10 minutes (color-feed.md rule 9).</summary>
    public static readonly TimeSpan DefaultSnapshotAfter = TimeSpan.FromMinutes(10);

    /// <summary>Rule 9: how long the kiosk stays out of sync (counted from the message that put it out of sync, across
    /// restarts) before it fetches the parts of the kept manifest; until then batches may close the gap.</summary>
    public TimeSpan SnapshotAfter { get; set; } = DefaultSnapshotAfter;

    /// <summary>The section's rules across keys; every message names its key.</summary>
    /// <param name="validationContext">The validation context.</param>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Feed))
        {
            errors.Add("ColorFeed:Feed is required (e.g. CN-HL)");
        }

        try
        {
            using var key = HealthCode.Formats.Feed.AuthorityKey.FromBase64Spki(AuthorityKey ?? "");
        }
        catch (FormatException ex)
        {
            errors.Add($"ColorFeed:AuthorityKey: {ex.Message}");
        }

        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            errors.Add("ColorFeed:DatabasePath is required");
        }

        if (HealthCheckInterval <= TimeSpan.Zero)
        {
            errors.Add("ColorFeed:HealthCheckInterval must be positive");
        }

        if (MaxPendingBatches < 1)
        {
            errors.Add("ColorFeed:MaxPendingBatches must be at least 1");
        }

        if (SnapshotAfter < TimeSpan.Zero || SnapshotAfter > TimeSpan.FromDays(7))
        {
            errors.Add("ColorFeed:SnapshotAfter must be between 00:00:00 and 7.00:00:00");
        }

        if (MaxPacketBytes < 1024 * 1024)
        {
            errors.Add("ColorFeed:MaxPacketBytes must be at least 1 MiB");
        }

        return errors.Select(f => new ValidationResult(f));
    }
}
