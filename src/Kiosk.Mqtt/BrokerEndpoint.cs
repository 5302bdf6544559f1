using System.Globalization;

namespace Kiosk.Mqtt;

/// <summary>One broker of a link's list: a host name or address and a port (<c>host:port</c>, <c>[::1]:port</c>).</summary>
/// <param name="Host">Host name or address (an IPv6 address without brackets).</param>
/// <param name="Port">TCP port.</param>
public sealed record BrokerEndpoint(string Host, int Port)
{
    /// <inheritdoc />
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>
    /// Parses <c>host</c>, <c>host:port</c>, <c>[v6]</c> or <c>[v6]:port</c> (a bare IPv6 address takes the default
    /// port); null and a one-line <paramref name="error"/> when it is none of them.
    /// </summary>
    public static BrokerEndpoint? TryParse(string text, int defaultPort, out string? error)
    {
        error = null;
        var value = (text ?? string.Empty).Trim();
        string host;
        string? port = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = "has '[' without ']'";
                return null;
            }

            host = value[1..close];
            var rest = value[(close + 1)..];
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(':'))
                {
                    error = "has text after ']' that is not ':port'";
                    return null;
                }

                port = rest[1..];
            }
        }
        else if (value.Count(c => c == ':') == 1)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            host = value[..colon];
            port = value[(colon + 1)..];
        }
        else
        {
            host = value;
        }

        if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            error = "is not a host name or address";
            return null;
        }

        var number = defaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
        {
            error = "has a port that is not 1 to 65535";
            return null;
        }

        return new BrokerEndpoint(host, number);
    }
}
