using Kiosk.Service.Mqtt;

namespace Kiosk.Service.Colors;

/// <summary>Configuration section <c>ColorFeed</c>: where the feed comes from and how it is kept.</summary>
/// <remarks>TLS and credentials (<see cref="BrokerLinkOptions"/>): a snapshot carries every holder's code id and
/// color, so outside a closed network turn <c>Tls</c> on.</remarks>
public sealed class ColorFeedOptions : BrokerLinkOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "ColorFeed";

    /// <summary>The feed's broker is <c>localhost</c> unless <c>ColorFeed:Host</c> says otherwise.</summary>
    public ColorFeedOptions() => Host = "localhost";

    /// <summary>TLS and credentials of the feed link.</summary>
    internal BrokerSecurity Security => SecurityOf(Section);

    /// <summary>The broker keys' checks (the feed needs a host).</summary>
    internal IEnumerable<string> ValidateLink() => ValidateLink(Section, hostRequired: true);

    /// <summary>Topic prefix of the feed topics (color-feed.md: <c>hc/v1/</c>).</summary>
    public string TopicPrefix { get; set; } = "hc/v1/";

    /// <summary>The feed this kiosk accepts (e.g. <c>CN-HL</c>).</summary>
    public string Feed { get; set; } = "";

    /// <summary>The pinned authority public key: base64 SubjectPublicKeyInfo DER (P-256).</summary>
    public string AuthorityKey { get; set; } = "";

    /// <summary>The SQLite file of the color store; a relative path is under <c>Kiosk:DataDirectory</c>.</summary>
    /// <remarks>Freshness and skew are not here: <c>Checkpoint:MaxColorDataAge</c> and <c>Checkpoint:ClockSkew</c> drive the feed too.</remarks>
    public string DatabasePath { get; set; } = "colors.db";

    /// <summary>MQTT client id; the session is kept by the broker under it (QoS 1 batches wait while the kiosk is away). Default: <c>kiosk-colors-{host name}</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>How often <c>clock_fault</c> and <c>color_data_stale</c> are re-evaluated.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most gap batches kept aside.</summary>
    public int MaxPendingBatches { get; set; } = 1024;

    /// <summary>Largest MQTT packet accepted (snapshots are tens of MB).</summary>
    public int MaxPacketBytes { get; set; } = 256 * 1024 * 1024;

    /// <summary>The effective client id.</summary>
    public string EffectiveClientId => string.IsNullOrWhiteSpace(ClientId) ? $"kiosk-colors-{Environment.MachineName}" : ClientId;

    /// <summary>The four feed topics with the prefix.</summary>
    public IReadOnlyList<string> Topics =>
    [
        TopicPrefix + "colors/snapshot",
        TopicPrefix + "colors/batch",
        TopicPrefix + "colors/heartbeat",
        TopicPrefix + "trust",
    ];
}
