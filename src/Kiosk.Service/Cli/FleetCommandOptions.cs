using System.CommandLine;
using System.Globalization;
using Kiosk.Core;
using Kiosk.Core.Configuration;
using Kiosk.FleetConsole;
using Kiosk.Mqtt;
using Kiosk.Service.Hosting;
using Microsoft.Extensions.Configuration;

namespace Kiosk.Service.Cli;

/// <summary>
/// The options every <c>kiosk fleet</c> subcommand takes: the broker and how to log in to it, the same keys as the
/// kiosk's <c>Fleet</c> section (TLS, pinned CA, client certificate, user name and password, protocol). Settings come
/// from the shipped <c>appsettings.json</c>, <c>--config FILE</c>, <c>KIOSK_Fleet__*</c> environment variables, then
/// these options. <c>/etc/kiosk/kiosk.json</c> is not read: it holds a kiosk's own login, not a fleet manager's.
/// </summary>
internal sealed class FleetCommandOptions
{
    private readonly Option<string?> _mqtt = Recursive(new Option<string?>("--mqtt") { Description = "Broker HOST:PORT, or a cluster's HOST:PORT,HOST:PORT,... tried in turn (default Fleet:Host, Fleet:Hosts, Fleet:Port)" });
    private readonly Option<string?> _site = Recursive(new Option<string?>("--site") { Description = "Only this site" });
    private readonly Option<bool> _tls = Recursive(new Option<bool>("--tls") { Description = "Connect with TLS (Fleet:Tls)" });
    private readonly Option<string?> _caFile = Recursive(new Option<string?>("--ca-file") { Description = "PEM of the CA(s) the broker's certificate must chain to (Fleet:CaFile)" });
    private readonly Option<string?> _serverName = Recursive(new Option<string?>("--tls-server-name") { Description = "Name expected in the broker's certificate (Fleet:TlsServerName)" });
    private readonly Option<string?> _username = Recursive(new Option<string?>("--username") { Description = "Broker user (Fleet:Username)" });
    private readonly Option<string?> _password = Recursive(new Option<string?>("--password") { Description = "Broker password (Fleet:Password; prefer KIOSK_Fleet__Password)" });
    private readonly Option<string?> _clientCert = Recursive(new Option<string?>("--client-cert") { Description = "Client certificate, PEM or PFX (Fleet:ClientCertFile)" });
    private readonly Option<string?> _clientKey = Recursive(new Option<string?>("--client-key") { Description = "PEM key of the client certificate (Fleet:ClientKeyFile)" });
    private readonly Option<string?> _clientCertPassword = Recursive(new Option<string?>("--client-cert-password") { Description = "Password of a PFX client certificate (Fleet:ClientCertPassword)" });
    private readonly Option<string?> _protocol = Recursive(new Option<string?>("--protocol") { Description = "MQTT protocol: 5 (request/response) or 3.1.1 (Fleet:Protocol)" });
    private readonly Option<double> _timeout = Recursive(new Option<double>("--timeout") { Description = "Seconds to wait for the broker and for each answer", DefaultValueFactory = _ => 10 });

    /// <summary>Adds the options to <paramref name="command"/> (and, recursively, its subcommands).</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _mqtt, _site, _tls, _caFile, _serverName, _username, _password, _clientCert, _clientKey, _clientCertPassword, _protocol, _timeout })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The site given, or null for every site.</summary>
    public string? Site(ParseResult parse)
    {
        var site = parse.GetValue(_site);
        return site is null ? null : TopicName(site, "--site", "a site name");
    }

    /// <summary>
    /// <paramref name="value"/> when it is a topic level mqtt.md allows for a site or kiosk id (the character class of
    /// <c>Kiosk:Site</c> and <c>Kiosk:KioskId</c>, <c>^[A-Za-z0-9_.-]{1,64}$</c>); otherwise one line naming it.
    /// </summary>
    public static string TopicName(string value, string what, string kind)
    {
        if (value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            return value;
        }

        var shown = value.Length <= 64 && value.All(c => !char.IsControl(c) && char.GetUnicodeCategory(c) != UnicodeCategory.Format)
            ? $"'{value}'"
            : $"({value.Length} characters{(value.Any(char.IsControl) ? ", with control characters" : string.Empty)})";
        throw new KioskInputException($"{what} {shown} is not {kind}: 1-64 characters of A-Z a-z 0-9 _ . -");
    }

    /// <summary>The validated settings; a bad or missing setting is one line.</summary>
    public FleetConsoleSettings Resolve(ParseResult parse)
    {
        var seconds = parse.GetValue(_timeout);
        if (!double.IsFinite(seconds) || seconds is < 0.5 or > 3600)
        {
            throw new KioskInputException($"--timeout must be between 0.5 and 3600 seconds (got {seconds.ToString(CultureInfo.InvariantCulture)})");
        }

        var overrides = new Dictionary<string, string?>();
        var brokers = parse.GetValue(_mqtt) is { } mqtt
            ? mqtt.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(b => RunCommand.ParseBroker(b)!.Value).ToList()
            : null;
        if (brokers is { Count: 0 })
        {
            throw new KioskInputException("--mqtt must be HOST:PORT or HOST:PORT,HOST:PORT,... (got an empty list)");
        }

        if (parse.GetValue(_tls))
        {
            overrides["Fleet:Tls"] = "true";
        }

        Set(overrides, "Fleet:CaFile", parse.GetValue(_caFile));
        Set(overrides, "Fleet:TlsServerName", parse.GetValue(_serverName));
        Set(overrides, "Fleet:Username", parse.GetValue(_username));
        Set(overrides, "Fleet:Password", parse.GetValue(_password));
        Set(overrides, "Fleet:ClientCertFile", parse.GetValue(_clientCert));
        Set(overrides, "Fleet:ClientKeyFile", parse.GetValue(_clientKey));
        Set(overrides, "Fleet:ClientCertPassword", parse.GetValue(_clientCertPassword));
        Set(overrides, "Fleet:Protocol", parse.GetValue(_protocol));
        var timeout = TimeSpan.FromSeconds(seconds);

        // The MQTT client's own timeout (connect, each acknowledgement) stays within the option's range.
        overrides["Fleet:Timeout"] = TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 120)).ToString("c", CultureInfo.InvariantCulture);

        // The root's --config (checked once by KioskCli); a manager's workstation has no /etc/kiosk/kiosk.json to read.
        var configuration = KioskConfiguration.Build(KioskCli.ConfigFile(parse), overrides, includeSystemFile: false);
        var options = new FleetOptions();
        try
        {
            configuration.GetSection(FleetOptions.Section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new KioskInputException($"configuration section Fleet: {ex.Message}", ex);
        }

        if (brokers is not null)
        {
            // The command line's list replaces the configuration's (Host and every Hosts entry).
            options.Host = string.Empty;
            options.Port = 0;
            options.Hosts = brokers.Select(b => new BrokerEndpoint(b.Host, b.Port).ToString()).ToList();
        }

        var problems = SectionValidator<FleetOptions>.Check(FleetOptions.Section, options).ToArray();
        if (problems.Length > 0)
        {
            throw new KioskInputException($"configuration is invalid: {string.Join("; ", problems)}");
        }

        if (!options.HasBroker)
        {
            throw new KioskInputException("no broker given (use --mqtt HOST:PORT[,HOST:PORT...], Fleet:Host or Fleet:Hosts)");
        }

        return new FleetConsoleSettings(options, timeout);
    }

    private static void Set(Dictionary<string, string?> overrides, string key, string? value)
    {
        if (value is not null)
        {
            overrides[key] = value;
        }
    }

    private static Option<T> Recursive<T>(Option<T> option)
    {
        option.Recursive = true;
        return option;
    }
}
