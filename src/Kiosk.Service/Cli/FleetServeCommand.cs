#if KIOSK_FLEET_WEB
using System.CommandLine;
using Kiosk.Core;
using Kiosk.FleetWeb;
using Microsoft.Extensions.Logging;

namespace Kiosk.Service.Cli;

/// <summary>
/// <c>kiosk fleet serve</c> (the web console, docs/fleet-web.md) and <c>kiosk fleet user add</c> (its users file).
/// </summary>
internal static class FleetServeCommand
{
    public static Command CreateServe(FleetCommandOptions broker)
    {
        var urls = new Option<string[]>("--urls") { Description = "Where to listen: https://HOST:PORT (needs --certificate) or http://127.0.0.1:PORT (plain HTTP on loopback only)", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["http://127.0.0.1:8080"] };
        var users = new Option<string>("--users") { Description = "The users file (kiosk fleet user add)", DefaultValueFactory = _ => "/etc/kiosk-fleet/users.json" };
        var history = new Option<string>("--history") { Description = "The console's SQLite history (telemetry, alerts, audit)", DefaultValueFactory = _ => "/var/lib/kiosk-fleet/history.db" };
        var certificate = new Option<string?>("--certificate") { Description = "HTTPS certificate: PKCS#12 (password in KIOSK_FLEET_CERT_PASSWORD), or PEM with --certificate-key" };
        var key = new Option<string?>("--certificate-key") { Description = "The PEM private key of --certificate" };
        var maxAge = new Option<double>("--history-days") { Description = "Days of history kept", DefaultValueFactory = _ => 7 };
        var maxRows = new Option<int>("--history-rows") { Description = "Rows kept per history table", DefaultValueFactory = _ => 500_000 };
        var discoveryPrefix = new Option<string>("--ha-prefix") { Description = "Home Assistant discovery prefix (decommission clears its configs)", DefaultValueFactory = _ => "homeassistant" };
        var serve = new Command("serve", "The fleet's web console (sign-in, live kiosk table, a page per kiosk, audited operator actions) until Ctrl-C")
        {
            urls, users, history, certificate, key, maxAge, maxRows, discoveryPrefix,
        };
        serve.SetAction(async (parse, cancellationToken) =>
        {
            var options = new FleetWebOptions
            {
                Urls = parse.GetValue(urls) ?? [],
                UsersFile = parse.GetValue(users)!,
                HistoryFile = parse.GetValue(history)!,
                CertificateFile = parse.GetValue(certificate),
                CertificateKeyFile = parse.GetValue(key),
                CertificatePassword = Environment.GetEnvironmentVariable("KIOSK_FLEET_CERT_PASSWORD"),
                HistoryMaxAge = TimeSpan.FromDays(parse.GetValue(maxAge)),
                HistoryMaxRows = parse.GetValue(maxRows),
                Site = broker.Site(parse),
                DiscoveryPrefix = parse.GetValue(discoveryPrefix)!,
            };
            options.Validate(); // one line before connecting
            var settings = broker.Resolve(parse);
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
            await using var server = await FleetWebServer.StartAsync(options, settings with { Timeout = settings.Timeout < TimeSpan.FromSeconds(10) ? TimeSpan.FromSeconds(10) : settings.Timeout }, TimeProvider.System, loggers, cancellationToken);
            parse.InvocationConfiguration.Output.WriteLine($"fleet console on {string.Join(", ", server.Addresses)} (Ctrl-C stops)");
            await server.WaitAsync(cancellationToken);
            return 0;
        });
        return serve;
    }

    public static Command CreateUser()
    {
        var name = new Argument<string>("NAME") { Description = "The user name" };
        var role = new Option<string>("--role") { Description = "viewer or operator", DefaultValueFactory = _ => FleetUsers.Viewer };
        var users = new Option<string>("--users") { Description = "The users file (created with mode 600)", DefaultValueFactory = _ => "/etc/kiosk-fleet/users.json" };
        var add = new Command("add", "Adds or replaces a console user; the password is read from standard input (one line) and stored as a salted PBKDF2 hash")
        {
            name, role, users,
        };
        add.SetAction(parse =>
        {
            var password = Console.In.ReadLine() ?? throw new KioskInputException("no password on standard input");
            FleetUsers.AddOrReplace(parse.GetValue(users)!, parse.GetValue(name)!, parse.GetValue(role)!, password);
            parse.InvocationConfiguration.Output.WriteLine($"{parse.GetValue(name)} ({parse.GetValue(role)}) saved in {parse.GetValue(users)}");
            return 0;
        });
        return new Command("user", "The web console's users") { add };
    }
}
#else
using System.CommandLine;
using Kiosk.Core;

namespace Kiosk.Service.Cli;

/// <summary>The kiosk's own package has no web console (it would bring ASP.NET Core): <c>serve</c> and <c>user</c> say where it is.</summary>
internal static class FleetServeCommand
{
    private const string Elsewhere = "the web console is not part of the kiosk's package: run kiosk fleet serve on a server or PC from a build with it (docs/fleet-web.md)";

    public static Command CreateServe(FleetCommandOptions broker)
    {
        _ = broker;
        var serve = new Command("serve", "The fleet's web console (not in the kiosk's package: docs/fleet-web.md)");
        serve.SetAction(int (ParseResult _) => throw new KioskInputException(Elsewhere));
        return serve;
    }

    public static Command CreateUser()
    {
        var user = new Command("user", "The web console's users (not in the kiosk's package: docs/fleet-web.md)");
        user.SetAction(int (ParseResult _) => throw new KioskInputException(Elsewhere));
        return user;
    }
}
#endif
