namespace Kiosk.Mqtt;

/// <summary>The topics of mqtt.md for one kiosk: <c>{prefix}/{site}/{kioskId}/…</c> and the site-wide <c>{prefix}/{site}/all/cmd/{name}</c>.</summary>
public sealed class FleetTopics
{
    /// <summary>The kiosk-id level of the site-wide command topics (<c>{prefix}/{site}/all/cmd/{name}</c>): no kiosk has this id.</summary>
    public const string SiteWide = "all";

    /// <summary>Creates the topic set.</summary>
    public FleetTopics(string prefix, string site, string kioskId)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentException.ThrowIfNullOrEmpty(site);
        ArgumentException.ThrowIfNullOrEmpty(kioskId);
        Prefix = prefix.TrimEnd('/');
        Site = site;
        KioskId = kioskId;
        Kiosk = $"{Prefix}/{site}/{kioskId}";
        SiteAll = $"{Prefix}/{site}/{SiteWide}";
    }

    /// <summary>The prefix, e.g. <c>kiosk/v1</c>.</summary>
    public string Prefix { get; }

    /// <summary>The site.</summary>
    public string Site { get; }

    /// <summary>The kiosk id (also the MQTT client id).</summary>
    public string KioskId { get; }

    /// <summary><c>{prefix}/{site}/{kioskId}</c>.</summary>
    public string Kiosk { get; }

    /// <summary><c>{prefix}/{site}/all</c>.</summary>
    public string SiteAll { get; }

    /// <summary>Retained status (and the Will).</summary>
    public string Status => $"{Kiosk}/status";

    /// <summary>Telemetry (QoS 0).</summary>
    public string Telemetry => $"{Kiosk}/telemetry";

    /// <summary>Decision events.</summary>
    public string DecisionEvents => $"{Kiosk}/event/decision";

    /// <summary>Alert events.</summary>
    public string AlertEvents => $"{Kiosk}/event/alert";

    /// <summary>Retained effective configuration.</summary>
    public string ConfigReported => $"{Kiosk}/config/reported";

    /// <summary>Desired configuration (in, retained).</summary>
    public string ConfigDesired => $"{Kiosk}/config/desired";

    /// <summary>Subscription filter of this kiosk's commands.</summary>
    public string CommandFilter => $"{Kiosk}/cmd/+";

    /// <summary>Subscription filter of the site-wide commands.</summary>
    public string SiteCommandFilter => $"{SiteAll}/cmd/+";

    /// <summary>A command topic of this kiosk.</summary>
    public string Command(string name) => $"{Kiosk}/cmd/{name}";

    /// <summary>A site-wide command topic.</summary>
    public string SiteCommand(string name) => $"{SiteAll}/cmd/{name}";

    /// <summary>MQTT 3.1.1 answer topic: <c>{kiosk}/cmd/{name}/result</c> (also for site-wide commands, so answers say which kiosk).</summary>
    public string CommandResult(string name) => $"{Kiosk}/cmd/{name}/result";

    /// <summary>Recognises <c>{kiosk}/cmd/{name}</c> and <c>{site}/all/cmd/{name}</c>.</summary>
    public bool TryParseCommand(string topic, out string name)
    {
        name = string.Empty;
        string rest;
        if (topic.StartsWith(Kiosk + "/cmd/", StringComparison.Ordinal))
        {
            rest = topic[(Kiosk.Length + 5)..];
        }
        else if (topic.StartsWith(SiteAll + "/cmd/", StringComparison.Ordinal))
        {
            rest = topic[(SiteAll.Length + 5)..];
        }
        else
        {
            return false;
        }

        if (rest.Length == 0 || rest.Contains('/'))
        {
            return false;
        }

        name = rest;
        return true;
    }

    /// <summary>
    /// A filter over many kiosks: <c>{prefix}/{site}/{kioskId}/{suffix}</c> with <c>+</c> for a null site or kiosk
    /// (e.g. every kiosk's status: <c>kiosk/v1/+/+/status</c>).
    /// </summary>
    public static string Filter(string prefix, string? site, string? kioskId, string suffix) =>
        $"{prefix.TrimEnd('/')}/{site ?? "+"}/{kioskId ?? "+"}/{suffix}";

    /// <summary>
    /// Splits <c>{prefix}/{site}/{kioskId}/{rest}</c>; false for other topics and for the site-wide <c>all</c> level.
    /// </summary>
    public static bool TryParse(string prefix, string topic, out string site, out string kioskId, out string rest)
    {
        site = kioskId = rest = string.Empty;
        var root = prefix.TrimEnd('/') + "/";
        if (!topic.StartsWith(root, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = topic[root.Length..].Split('/', 3);
        if (parts.Length < 3 || parts[0].Length == 0 || parts[1].Length == 0 || parts[1] == SiteWide || parts[2].Length == 0)
        {
            return false;
        }

        (site, kioskId, rest) = (parts[0], parts[1], parts[2]);
        return true;
    }
}
