namespace Kiosk.Mqtt;

/// <summary>
/// The keys both MQTT links share: where the broker is, how to reconnect, how to authenticate (sections
/// <c>Fleet</c> and <c>ColorFeed</c> inherit them, so each section has them at its top level: <c>Fleet:Host</c>,
/// <c>ColorFeed:Port</c>, <c>Fleet:ReconnectMin</c>, <c>ColorFeed:CaFile</c>, ...). Documented once, in docs/mqtt.md.
/// </summary>
public abstract class BrokerLinkOptions
{
    /// <summary>Broker host name or address.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>Broker port; 0 = 1883, or 8883 with <see cref="Tls"/>.</summary>
    public int Port { get; set; }

    /// <summary>The port to connect to.</summary>
    public int EffectivePort => Port != 0 ? Port : Tls ? 8883 : 1883;

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

    /// <summary>These settings for the link of configuration section <paramref name="section"/>.</summary>
    protected BrokerSecurity SecurityOf(string section) =>
        new(section, Host, Tls, CaFile, TlsServerName, Username, Password, ClientCertFile, ClientKeyFile, ClientCertPassword);

    /// <summary>The checks both links make of these keys (<paramref name="hostRequired"/>: an empty host is an error, not "no broker").</summary>
    protected IEnumerable<string> ValidateLink(string section, bool hostRequired)
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            if (hostRequired)
            {
                yield return $"{section}:Host is required";
            }
        }
        else if (Uri.CheckHostName(Host) == UriHostNameType.Unknown)
        {
            yield return $"{section}:Host '{Host}' is not a host name or address";
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
