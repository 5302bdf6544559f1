using System.CommandLine;
using System.Globalization;
using Kiosk.Core;
using Kiosk.FleetConsole;
using Kiosk.Mqtt;

namespace Kiosk.Service.Cli;

/// <summary>
/// <c>kiosk fleet status|watch|send|config|decommission</c>: the fleet manager's side, on the topics and payloads of
/// mqtt.md. The broker options (<see cref="FleetCommandOptions"/>) apply to every subcommand.
/// </summary>
internal static class FleetCommand
{
    public static Command Create()
    {
        var broker = new FleetCommandOptions();
        var fleet = new Command("fleet", "See and steer every kiosk through the fleet broker (mqtt.md): status, watch, send, config, decommission");
        broker.AddTo(fleet);
        fleet.Subcommands.Add(CreateStatus(broker));
        fleet.Subcommands.Add(CreateWatch(broker));
        fleet.Subcommands.Add(CreateSend(broker));
        fleet.Subcommands.Add(CreateConfig(broker));
        fleet.Subcommands.Add(CreateDecommission(broker));
        fleet.Subcommands.Add(FleetServeCommand.CreateServe(broker));
        fleet.Subcommands.Add(FleetServeCommand.CreateUser());
        return fleet;
    }

    private static Command CreateStatus(FleetCommandOptions broker)
    {
        var json = new Option<bool>("--json") { Description = "One JSON document instead of the table" };
        var status = new Command("status", "One row per kiosk from its retained status, worst first; exit 0 when every kiosk is online, 1 otherwise")
        {
            json,
        };
        status.SetAction(async (parse, cancellationToken) =>
        {
            var settings = broker.Resolve(parse);
            var site = broker.Site(parse);
            var time = TimeProvider.System;
            await using var session = await FleetConsoleSession.ConnectAsync(settings, time, cancellationToken);
            var rows = await RetainedReader.ReadStatusesAsync(session, site, null, time, cancellationToken, withTelemetry: true);
            if (rows.Count == 0)
            {
                throw new KioskInputException($"no kiosk has a status under {FleetTopics.Filter(settings.Prefix, site, null, "status")}");
            }

            var now = time.GetUtcNow();
            var sorted = KioskStatusRow.WorstFirst(rows, now);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                output.WriteLine(FleetStatusTable.Json(sorted, now));
            }
            else
            {
                FleetStatusTable.WriteText(output, sorted, now);
            }

            return FleetStatusTable.ExitCode(sorted);
        });
        return status;
    }

    private static Command CreateWatch(FleetCommandOptions broker)
    {
        var watch = new Command("watch", "The status table kept live, with each kiosk's PASS and REFER counts by reason over the last hour and the latest alerts (Ctrl-C quits)");
        watch.SetAction(async (parse, cancellationToken) =>
        {
            var settings = broker.Resolve(parse);
            var time = TimeProvider.System;
            await using var session = await FleetConsoleSession.ConnectAsync(settings, time, cancellationToken);
            await FleetWatch.RunAsync(session, broker.Site(parse), parse.InvocationConfiguration.Output, TerminalScreen.Size, time, cancellationToken);
            return 0;
        });
        return watch;
    }

    private static Command CreateSend(FleetCommandOptions broker)
    {
        var words = new Argument<string[]>("KIOSK COMMAND [KEY=VALUE...]")
        {
            Description = $"A kiosk (or site/kiosk) and a command ({string.Join(", ", KioskCommands.Names)}); with --site and no kiosk, every kiosk of the site",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string?>("--out") { Description = "screenshot: the PNG file, or the directory for one file per kiosk (default: the current directory)" };
        var json = new Option<bool>("--json") { Description = "One JSON line per kiosk instead of text" };
        var send = new Command("send", "Runs a command on one kiosk or a whole site and prints one line per kiosk; exit 0 when every kiosk ran it")
        {
            words, output, json,
        };
        send.SetAction(async (parse, cancellationToken) =>
        {
            var settings = broker.Resolve(parse);
            var site = broker.Site(parse);
            var tokens = parse.GetValue(words) ?? [];
            var siteWide = FleetCommandSender.IsKnown(tokens[0]) && site is not null && (tokens.Length == 1 || !FleetCommandSender.IsKnown(tokens[1]));
            var kiosk = siteWide ? null : tokens[0];
            var rest = siteWide ? tokens : tokens[1..];
            if (rest.Length == 0)
            {
                throw new KioskInputException(FleetCommandSender.IsKnown(tokens[0])
                    ? $"'{tokens[0]}' needs a KIOSK, or --site S for every kiosk of a site"
                    : $"no command given for kiosk '{tokens[0]}' (one of {string.Join(", ", KioskCommands.Names)})");
            }

            var command = FleetCommandSender.Normalize(rest[0]);
            if (!FleetCommandSender.IsKnown(command))
            {
                throw new KioskInputException($"unknown command '{rest[0]}' (one of {string.Join(", ", KioskCommands.Names)})");
            }

            var arguments = rest[1..];
            FleetCommandSender.Body("check", DateTimeOffset.UnixEpoch, TimeSpan.Zero, arguments); // bad KEY=VALUE before connecting
            var time = TimeProvider.System;
            await using var session = await FleetConsoleSession.ConnectAsync(settings, time, cancellationToken);
            var targets = siteWide
                ? await RequireAsync(RetainedReader.ReadStatusesAsync(session, site, null, time, cancellationToken), $"no kiosk has a status in site '{site}'")
                : [await ResolveKioskAsync(session, site, kiosk!, time, cancellationToken)];
            var replies = await FleetCommandSender.SendAsync(session, targets, siteWide, command, arguments, time, cancellationToken);
            var writer = parse.InvocationConfiguration.Output;
            foreach (var reply in replies)
            {
                var saved = command == "screenshot" && reply.Succeeded ? SaveScreenshot(reply, parse.GetValue(output), replies.Count > 1, time) : null;
                writer.WriteLine(parse.GetValue(json) ? FleetCommandSender.Json(command, reply, saved) : FleetCommandSender.Describe(command, reply, saved));
            }

            return replies.All(r => r.Succeeded) ? 0 : 1;
        });
        return send;
    }

    private static Command CreateConfig(FleetCommandOptions broker)
    {
        var kiosk = new Argument<string?>("KIOSK") { Description = "The kiosk (or site/kiosk); leave out with --site S for every kiosk of the site", Arity = ArgumentArity.ZeroOrOne };
        var set = new Option<string[]>("--set") { Description = "Section:Key=Value to set (repeat for more)", AllowMultipleArgumentsPerToken = true };
        var unset = new Option<string[]>("--unset") { Description = "Section:Key to return to the kiosk's own value (repeat for more)", AllowMultipleArgumentsPerToken = true };
        var config = new Command("config", "Changes the run-time settings of a kiosk (or, with --site S, of every kiosk of the site) through config/desired and reports which keys each accepted or rejected, and why")
        {
            kiosk, set, unset,
        };
        config.SetAction(async (parse, cancellationToken) =>
        {
            var settings = broker.Resolve(parse);
            var sets = (parse.GetValue(set) ?? []).Select(FleetConfigurator.ParseSetting).ToArray();
            var unsets = (parse.GetValue(unset) ?? []).Select(k => FleetConfigurator.ParseKey(k, "--unset")).ToArray();
            if (sets.Length + unsets.Length == 0)
            {
                throw new KioskInputException("nothing to change: give --set Section:Key=Value or --unset Section:Key");
            }

            var site = broker.Site(parse);
            var name = parse.GetValue(kiosk);
            if (name is null && site is null)
            {
                throw new KioskInputException("give a KIOSK, or --site S for every kiosk of a site");
            }

            var time = TimeProvider.System;
            await using var session = await FleetConsoleSession.ConnectAsync(settings, time, cancellationToken);

            // A site: each of its kiosks gets the keys merged into its own desired document, so every kiosk answers
            // for itself (accepted or rejected per key) and a kiosk's own settings stay where they were.
            var targets = name is null
                ? await RequireAsync(RetainedReader.ReadStatusesAsync(session, site, null, time, cancellationToken), $"no kiosk has a status in site '{site}'")
                : [await ResolveKioskAsync(session, site, name, time, cancellationToken)];
            var writer = parse.InvocationConfiguration.Output;
            var accepted = 0;
            foreach (var target in targets.OrderBy(t => t.KioskId, StringComparer.Ordinal))
            {
                var prefix = targets.Count > 1 ? $"{target.Name}  " : string.Empty;
                if (!target.IsConnected)
                {
                    writer.WriteLine($"{target.Name}  not sent  the kiosk is {target.State}: it must be connected to say what it accepts");
                    continue;
                }

                var outcome = await FleetConfigurator.ApplyAsync(session, target, sets, unsets, time, cancellationToken);
                foreach (var key in outcome.Keys)
                {
                    var what = key.Value is null ? $"{key.Key} (unset)" : $"{key.Key}={key.Value}";
                    writer.WriteLine(prefix + (key.Accepted ? $"{what}  accepted" : $"{what}  {(outcome.Status == "timeout" ? "unconfirmed" : "rejected")}  {key.Reason}"));
                }

                writer.WriteLine(outcome.Status switch
                {
                    "applied" => $"{target.Name}  applied version {outcome.Version}",
                    "unchanged" => $"{target.Name}  version {outcome.Version} unchanged",
                    "rejected" => $"{target.Name}  rejected version {outcome.Version}: {outcome.Reason}; the previous desired document was put back",
                    _ => $"{target.Name}  {outcome.Status}  {outcome.Reason}; version {outcome.Version} stays on the broker for the kiosk to check when it gets it",
                });
                accepted += outcome.Accepted ? 1 : 0;
            }

            if (targets.Count > 1)
            {
                writer.WriteLine($"site {site}: {accepted} of {targets.Count} kiosks took the change");
            }

            return accepted == targets.Count ? 0 : 1;
        });
        return config;
    }

    private static Command CreateDecommission(FleetCommandOptions broker)
    {
        var kiosk = new Argument<string>("KIOSK") { Description = "The retired kiosk (or site/kiosk)" };
        var discoveryPrefix = new Option<string>("--ha-prefix") { Description = "Home Assistant discovery prefix", DefaultValueFactory = _ => "homeassistant" };
        var decommission = new Command("decommission", "Removes a retired kiosk: clears its retained status, configuration and Home Assistant entities (the kiosk must be stopped)")
        {
            kiosk, discoveryPrefix,
        };
        decommission.SetAction(async (parse, cancellationToken) =>
        {
            var settings = broker.Resolve(parse);
            var time = TimeProvider.System;
            await using var session = await FleetConsoleSession.ConnectAsync(settings, time, cancellationToken);
            var target = await ResolveKioskAsync(session, broker.Site(parse), parse.GetValue(kiosk)!, time, cancellationToken);
            if (target.IsConnected)
            {
                throw new KioskInputException($"{target.Name} is {target.State}: stop it before decommissioning (it would announce itself again)");
            }

            var cleared = await FleetDecommission.ClearAsync(session, target, parse.GetValue(discoveryPrefix)!, cancellationToken);
            parse.InvocationConfiguration.Output.WriteLine($"{target.Name}  decommissioned  cleared {cleared} retained topics");
            return 0;
        });
        return decommission;
    }

    /// <summary>Finds one kiosk by <c>kiosk</c> or <c>site/kiosk</c>; an unknown or ambiguous name is one line.</summary>
    private static async Task<KioskStatusRow> ResolveKioskAsync(FleetConsoleSession session, string? site, string name, TimeProvider time, CancellationToken cancellationToken)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            (site, name) = (FleetCommandOptions.TopicName(name[..slash], "KIOSK's site", "a site name"), name[(slash + 1)..]);
        }

        FleetCommandOptions.TopicName(name, "KIOSK", "a kiosk id");
        if (name == FleetTopics.SiteWide)
        {
            throw new KioskInputException($"'{name}' is not a kiosk id");
        }

        var rows = await RetainedReader.ReadStatusesAsync(session, site, name, time, cancellationToken);
        return rows.Count switch
        {
            0 => throw new KioskInputException($"unknown kiosk '{name}': no status under {FleetTopics.Filter(session.Settings.Prefix, site, name, "status")}"),
            1 => rows[0],
            _ => throw new KioskInputException($"kiosk '{name}' exists in sites {string.Join(", ", rows.Select(r => r.Site).Order(StringComparer.Ordinal))}: give --site or SITE/{name}"),
        };
    }

    private static async Task<IReadOnlyList<KioskStatusRow>> RequireAsync(Task<IReadOnlyList<KioskStatusRow>> rows, string error) =>
        await rows is { Count: > 0 } found ? found : throw new KioskInputException(error);

    private static string SaveScreenshot(CommandReply reply, string? output, bool many, TimeProvider time)
    {
        var png = FleetCommandSender.ScreenshotBytes(reply) ?? throw new KioskInputException($"{reply.Name} answered the screenshot without a PNG");
        var name = $"{reply.Site}_{reply.KioskId}_{time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.png";
        var path = output is null || Directory.Exists(output) || many || output.EndsWith('/') ? Path.Combine(output ?? ".", name) : output;
        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllBytes(path, png);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KioskInputException($"cannot write {path}: {ex.Message}", ex);
        }

        return path;
    }
}
