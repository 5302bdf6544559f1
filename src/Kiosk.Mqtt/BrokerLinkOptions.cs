namespace Kiosk.Mqtt;

/// <summary>
/// The keys every MQTT link shares (the fleet link, the feed client, the fleet console): where the brokers are, how to reconnect, how to authenticate (sections
/// <c>Fleet</c> and <c>ColorFeed</c> inherit them, so each section has them at its top level: <c>Fleet:Host</c>,
/// <c>ColorFeed:Port</c>, <c>Fleet:ReconnectMin</c>, <c>ColorFeed:CaFile</c>, ...). Documented once, in docs/mqtt.md.
/// </summary>
public abstract class BrokerLinkOptions
{
    /// <summary>Broker host name or address (one broker; <see cref="Hosts"/> for a cluster; both may be given: this one first).</summary>
    public string Host { get; set; } = string.Empty;

    private string? _defaultHost;

    /// <summary>
    /// A link's built-in broker (the feed's <c>localhost</c>), <see cref="Host"/> until configured: left out of
    /// <see cref="Brokers"/> when <see cref="Hosts"/> is given (a list with that host names it in <see cref="Hosts"/>).
    /// </summary>
    protected void SetDefaultHost(string host) => Host = _defaultHost = host;

    /// <summary>
    /// The brokers of a cluster, each <c>host</c>, <c>host:port</c> or <c>[v6]:port</c> (without a port:
    /// <see cref="EffectivePort"/>); an entry may also be a comma-separated list (<c>KIOSK_Fleet__Hosts__0=a:1883,b:1883</c>).
    /// The link connects to the first and moves to the next whenever a connection fails or ends, with the back-off.
    /// </summary>
    public List<string> Hosts { get; set; } = [];

    /// <summary>Broker port of <see cref="Host"/> and of <see cref="Hosts"/> entries without one; 0 = 1883, or 8883 with <see cref="Tls"/>.</summary>
    public int Port { get; set; }

    /// <summary>The port to connect to.</summary>
    public int EffectivePort => Port != 0 ? Port : Tls ? 8883 : 1883;

    /// <summary>
    /// MQTT protocol: <c>5</c> (default) or <c>3.1.1</c> (a NATS cluster's MQTT listener speaks 3.1.1 only and
    /// refuses a version 5 CONNECT: set <c>3.1.1</c> there).
    /// </summary>
    public string Protocol { get; set; } = "5";

    /// <summary>True for MQTT 3.1.1.</summary>
    public bool IsMqtt311 => Protocol == "3.1.1";

    /// <summary>MQTT client id; empty = derived from <c>Kiosk:KioskId</c> (never the host name: Pis often share <c>raspberrypi</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Every broker to try, in order: <see cref="Host"/> (when set) then each <see cref="Hosts"/> entry, repeats
    /// dropped. Entries that do not parse are left out (validation names them).
    /// </summary>
    public IReadOnlyList<BrokerEndpoint> Brokers
    {
        get
        {
            var list = new List<BrokerEndpoint>();
            foreach (var entry in BrokerEntries())
            {
                if (BrokerEndpoint.TryParse(entry, EffectivePort, out _) is { } endpoint && !list.Contains(endpoint))
                {
                    list.Add(endpoint);
                }
            }

            return list;
        }
    }

    /// <summary>The configured broker entries as written (Host first), blank ones skipped.</summary>
    private IEnumerable<string> BrokerEntries()
    {
        var hosts = Hosts ?? [];
        if (!string.IsNullOrWhiteSpace(Host) && (Host != _defaultHost || !hosts.Any(h => !string.IsNullOrWhiteSpace(h))))
        {
            yield return Host.Trim();
        }

        foreach (var item in hosts)
        {
            foreach (var entry in (item ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                yield return entry;
            }
        }
    }

    /// <summary>First reconnect back-off cap (full jitter: the wait is uniform in [0, cap]; the cap doubles per failed attempt).</summary>
    public TimeSpan ReconnectMin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest reconnect back-off cap.</summary>
    public TimeSpan ReconnectMax { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Use TLS.</summary>
    public bool Tls { get; set; }

    /// <summary>PEM file of the CA(s) the broker's certificate must chain to. Set: only these are trusted (pinning); empty: the system store.</summary>
    public string CaFile { get; set; } = string.Empty;

    /// <summary>Name expected in the broker's certificate (SNI); empty = the broker host.</summary>
    public string TlsServerName { get; set; } = string.Empty;

    /// <summary>User name; empty = none.</summary>
    public string Username { get; set; } = string.Empty;

    /// <summary>Password (a secret: never reported or logged).</summary>
    public string Password { get; set; } = string.Empty;

    /// <summary>Client certificate: a PEM certificate (with <see cref="ClientKeyFile"/>) or a PFX/PKCS#12 file.</summary>
    public string ClientCertFile { get; set; } = string.Empty;

    /// <summary>PEM private key of <see cref="ClientCertFile"/>; empty with a PEM certificate = the key is in the same file.</summary>
    public string ClientKeyFile { get; set; } = string.Empty;

    /// <summary>Password of a PFX client certificate (a secret).</summary>
    public string ClientCertPassword { get; set; } = string.Empty;

    /// <summary>These settings for the link of configuration section <paramref name="section"/> (the TLS server name defaults to <see cref="Host"/>; per broker: <see cref="BrokerSecurity"/> <c>with { Host = ... }</c>).</summary>
    public BrokerSecurity SecurityOf(string section) =>
        new(section, Host, Tls, CaFile, TlsServerName, Username, Password, ClientCertFile, ClientKeyFile, ClientCertPassword);

    /// <summary>The checks both links make of these keys (<paramref name="hostRequired"/>: an empty host is an error, not "no broker").</summary>
    protected IEnumerable<string> ValidateLink(string section, bool hostRequired)
    {
        var entries = BrokerEntries().ToList();
        if (entries.Count == 0)
        {
            if (hostRequired)
            {
                yield return $"{section}:Host (or {section}:Hosts) is required";
            }
        }

        if (!string.IsNullOrWhiteSpace(Host) && Uri.CheckHostName(Host.Trim()) == UriHostNameType.Unknown)
        {
            yield return $"{section}:Host '{Host}' is not a host name or address";
        }

        foreach (var entry in entries.Skip(entries.Count > 0 && entries[0] == Host.Trim() ? 1 : 0))
        {
            if (BrokerEndpoint.TryParse(entry, 1883, out var error) is null)
            {
                yield return $"{section}:Hosts entry '{entry}' {error} (host, host:port or [v6]:port)";
            }
        }

        if (Protocol is not ("5" or "5.0" or "3.1.1"))
        {
            yield return $"{section}:Protocol must be \"5\" or \"3.1.1\"";
        }

        if (ClientId is { Length: > 0 } id && (id.Length > 128 || id.Any(c => char.IsControl(c) || c is '+' or '#' or '/' or ' ')))
        {
            yield return $"{section}:ClientId must be 1-128 characters without spaces, control characters, '/', '+' or '#'";
        }

        if (Port is < 0 or > 65535)
        {
            yield return $"{section}:Port must be 0 (the default port) to 65535";
        }

        if (ReconnectMin < TimeSpan.FromMilliseconds(10) || ReconnectMax > TimeSpan.FromHours(1) || ReconnectMin > ReconnectMax)
        {
            yield return $"{section}:ReconnectMin must be at least 10 ms and not above {section}:ReconnectMax (at most 1 h)";
        }

        foreach (var error in SecurityOf(section).Validate())
        {
            yield return error;
        }
    }
}
