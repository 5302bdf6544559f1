using System.Net;
using Kiosk.Core;

namespace Kiosk.FleetWeb;

/// <summary>What <c>kiosk fleet serve</c> runs with (docs/fleet-web.md).</summary>
public sealed record FleetWebOptions
{
    /// <summary>Where Kestrel listens: <c>https://0.0.0.0:8443</c>, <c>http://127.0.0.1:8080</c> (plain HTTP on loopback only).</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:8080"];

    /// <summary>The users file (JSON, salted PBKDF2 hashes: <see cref="FleetUsers"/>).</summary>
    public required string UsersFile { get; init; }

    /// <summary>The console's own SQLite history (telemetry, events, audit).</summary>
    public required string HistoryFile { get; init; }

    /// <summary>The server certificate for HTTPS: a PKCS#12 file, or a PEM file with <see cref="CertificateKeyFile"/>.</summary>
    public string? CertificateFile { get; init; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/>; null for PKCS#12.</summary>
    public string? CertificateKeyFile { get; init; }

    /// <summary>The PKCS#12 password; null for none.</summary>
    public string? CertificatePassword { get; init; }

    /// <summary>History older than this is deleted.</summary>
    public TimeSpan HistoryMaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>At most this many rows per history table (the oldest go first).</summary>
    public int HistoryMaxRows { get; init; } = 500_000;

    /// <summary>Only this site; null = every site.</summary>
    public string? Site { get; init; }

    /// <summary>Home Assistant's discovery prefix (decommission clears its configs).</summary>
    public string DiscoveryPrefix { get; init; } = "homeassistant";

    /// <summary>
    /// Checks the addresses: each is an absolute http or https URL; plain HTTP only on a loopback address; HTTPS needs
    /// <see cref="CertificateFile"/>. A failure is one <see cref="KioskInputException"/> line.
    /// </summary>
    public void Validate()
    {
        if (Urls.Count == 0)
        {
            throw new KioskInputException("fleet serve: no --urls to listen on");
        }

        foreach (var url in Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new KioskInputException($"fleet serve: '{url}' is not an http:// or https:// address");
            }

            if (uri.Scheme == "http" && !IsLoopback(uri.Host))
            {
                throw new KioskInputException($"fleet serve: refusing plain HTTP on {uri.Host}: serve https:// with --certificate, or http:// on 127.0.0.1, ::1 or localhost only");
            }

            if (uri.Scheme == "https" && string.IsNullOrEmpty(CertificateFile))
            {
                throw new KioskInputException($"fleet serve: {url} needs --certificate FILE (PKCS#12, or PEM with --certificate-key)");
            }
        }

        if (HistoryMaxAge <= TimeSpan.Zero || HistoryMaxRows < 1000)
        {
            throw new KioskInputException("fleet serve: the history must keep at least 1000 rows for a positive age");
        }
    }

    /// <summary>True for <c>localhost</c> and loopback addresses.</summary>
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
