using System.ComponentModel.DataAnnotations;
using Kiosk.Colors;
using Kiosk.Mqtt;

namespace Kiosk.Fleet;

/// <summary>
/// The broker keys of section <c>ColorFeed</c>: where the feed's MQTT link connects and what it subscribes to. The
/// same section's store keys (feed, authority key, database) are <see cref="ColorFeedOptions"/>.
/// </summary>
/// <remarks>TLS and credentials (<see cref="BrokerLinkOptions"/>): a snapshot carries every holder's code id and
/// color, so outside a closed network turn <c>Tls</c> on.</remarks>
public sealed class FeedLinkOptions : BrokerLinkOptions, IValidatableObject
{
    /// <summary>The feed's broker is <c>localhost</c> unless <c>ColorFeed:Host</c> or <c>ColorFeed:Hosts</c> says otherwise.</summary>
    public FeedLinkOptions() => SetDefaultHost("localhost");

    /// <summary>TLS and credentials of the feed link.</summary>
    public BrokerSecurity Security => SecurityOf(ColorFeedOptions.Section);

    /// <summary>Topic prefix of the feed topics (color-feed.md: <c>hc/v1/</c>).</summary>
    public string TopicPrefix { get; set; } = "hc/v1/";

    /// <summary>
    /// The effective MQTT client id: <c>ColorFeed:ClientId</c>, else <c>{Kiosk:KioskId}-feed</c> (set when the link is
    /// composed, <see cref="ClientIdFor"/>). The broker keeps the session under it (QoS 1 batches wait while the kiosk is
    /// away), so it must differ between kiosks: never the host name, which a fleet of Pis often shares.
    /// </summary>
    public string EffectiveClientId => string.IsNullOrWhiteSpace(ClientId) ? ClientIdFor(new Kiosk.Core.KioskOptions().KioskId) : ClientId;

    /// <summary>The feed link's default client id for kiosk <paramref name="kioskId"/>: <c>{kioskId}-feed</c>.</summary>
    public static string ClientIdFor(string kioskId) => $"{kioskId}-feed";

    /// <summary>The four feed topics with the prefix.</summary>
    public IReadOnlyList<string> Topics =>
    [
        TopicPrefix + "colors/snapshot",
        TopicPrefix + "colors/batch",
        TopicPrefix + "colors/heartbeat",
        TopicPrefix + "trust",
    ];

    /// <summary>Parts of a manifest in flight at once (subscribed, not yet verified): the fetch's memory and broker load.</summary>
    public int PartWindow { get; set; } = 8;

    /// <summary>A part topic subscribed for this long without its retained message is absent (cleared by the
    /// authority): the manifest is abandoned (color-feed.md rule 10).</summary>
    public TimeSpan PartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>First back-off before a part whose hash differed is fetched again (doubling up to <see cref="BrokerLinkOptions.ReconnectMax"/>).</summary>
    public TimeSpan PartRetryMin { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The topic of part <paramref name="index"/> of manifest <paramref name="seq"/>: <c>{prefix}colors/snapshot/{seq}/{i}</c>.</summary>
    public string PartTopic(ulong seq, int index) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{TopicPrefix}colors/snapshot/{seq}/{index}");

    /// <summary>Parses a part topic (decimal seq and index, no sign); false for any other topic.</summary>
    public bool TryParsePartTopic(string topic, out ulong seq, out long index)
    {
        seq = 0;
        index = -1;
        var head = TopicPrefix + "colors/snapshot/";
        if (topic is null || !topic.StartsWith(head, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic.AsSpan(head.Length);
        var slash = rest.IndexOf('/');
        return slash > 0
            && ulong.TryParse(rest[..slash], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out seq)
            && long.TryParse(rest[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index);
    }

    /// <summary>The link's checks: a host, a port, back-off, TLS files, and a topic prefix without wildcards.</summary>
    /// <param name="validationContext">The validation context.</param>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TopicPrefix is null || (TopicPrefix.Length > 0 && !TopicPrefix.EndsWith('/')) || TopicPrefix.IndexOfAny(['+', '#']) >= 0)
        {
            yield return new ValidationResult("ColorFeed:TopicPrefix must be empty or end with '/', without wildcards");
        }

        if (PartWindow is < 1 or > 256)
        {
            yield return new ValidationResult("ColorFeed:PartWindow must be between 1 and 256");
        }

        if (PartTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("ColorFeed:PartTimeout must be positive");
        }

        if (PartRetryMin <= TimeSpan.Zero)
        {
            yield return new ValidationResult("ColorFeed:PartRetryMin must be positive");
        }

        foreach (var error in ValidateLink(ColorFeedOptions.Section, hostRequired: true))
        {
            yield return new ValidationResult(error);
        }
    }
}

