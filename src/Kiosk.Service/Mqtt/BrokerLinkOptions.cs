namespace Kiosk.Service.Mqtt;

/// <summary>
/// The keys both MQTT links share for authenticating to their broker (sections <c>Fleet</c> and <c>ColorFeed</c>
/// inherit them, so each section has them at its top level: <c>Fleet:Tls</c>, <c>ColorFeed:CaFile</c>, ...).
/// </summary>
public abstract class BrokerLinkOptions
{
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

    /// <summary>These settings for the link of configuration section <paramref name="section"/> to <paramref name="host"/>.</summary>
    private protected BrokerSecurity SecurityOf(string section, string host) =>
        new(section, host, Tls, CaFile, TlsServerName, Username, Password, ClientCertFile, ClientKeyFile, ClientCertPassword);
}
