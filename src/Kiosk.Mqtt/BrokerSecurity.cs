namespace Kiosk.Mqtt;

/// <summary>
/// How one MQTT link authenticates: TLS (with an optional pinned CA set and client certificate) and a user name
/// and password. Both links use it: the fleet connection (section <c>Fleet</c>) and the color feed (section
/// <c>ColorFeed</c>), whose snapshots carry every holder's code id and color and must not cross a network in clear.
/// </summary>
/// <param name="Section">The configuration section, for messages.</param>
/// <param name="Host">The broker host (the default TLS server name).</param>
/// <param name="Tls">Use TLS.</param>
/// <param name="CaFile">PEM file of the CA(s) the broker's certificate must chain to; empty: the system store.</param>
/// <param name="TlsServerName">Name expected in the broker's certificate; empty: <paramref name="Host"/>.</param>
/// <param name="Username">User name; empty: none.</param>
/// <param name="Password">Password (a secret).</param>
/// <param name="ClientCertFile">Client certificate: PEM (with <paramref name="ClientKeyFile"/>) or PFX/PKCS#12.</param>
/// <param name="ClientKeyFile">PEM private key of the client certificate; empty: in the certificate file.</param>
/// <param name="ClientCertPassword">Password of a PFX client certificate (a secret).</param>
public sealed record BrokerSecurity(
    string Section,
    string Host,
    bool Tls,
    string CaFile,
    string TlsServerName,
    string Username,
    string Password,
    string ClientCertFile,
    string ClientKeyFile,
    string ClientCertPassword)
{
    /// <summary>The configuration mistakes, one line each (prefixed with the section).</summary>
    public IEnumerable<string> Validate()
    {
        if (!Tls && (CaFile.Length > 0 || ClientCertFile.Length > 0))
        {
            yield return $"{Section}:CaFile and {Section}:ClientCertFile need {Section}:Tls = true";
        }

        foreach (var (key, path) in new[] { ("CaFile", CaFile), ("ClientCertFile", ClientCertFile), ("ClientKeyFile", ClientKeyFile) })
        {
            if (path.Length > 0 && !File.Exists(path))
            {
                yield return $"{Section}:{key} '{path}' does not exist";
            }
        }

        if (ClientKeyFile.Length > 0 && ClientCertFile.Length == 0)
        {
            yield return $"{Section}:ClientKeyFile needs {Section}:ClientCertFile";
        }

        if (Password.Length > 0 && Username.Length == 0)
        {
            yield return $"{Section}:Password needs {Section}:Username";
        }
    }
}
