using System.Collections.Concurrent;
using System.Text.Json;
using Kiosk.Core;
using Kiosk.FleetConsole;
using Kiosk.Mqtt;
using Microsoft.Extensions.Logging;

namespace Kiosk.FleetWeb;

/// <summary>
/// What the console does on the fleet, through <c>kiosk fleet</c>'s own senders (<see cref="FleetCommandSender"/>,
/// <see cref="FleetConfigurator"/>, <see cref="FleetDecommission"/>): commands to one kiosk or a site, configuration,
/// decommission, screenshots and self-tests. Every operator action is audited (who, what, when, outcome) into the
/// history and published as an alert event of kind <see cref="OperatorActionKind"/> on
/// <c>{site}/</c><see cref="ConsoleId"/><c>/event/alert</c> (the console speaks as a member of the site, so every watcher sees it);
/// the audit line names the user, the action and the kiosk, never anything about a visitor.
/// </summary>
public sealed partial class FleetActions(FleetLive live, string discoveryPrefix, TimeProvider time, ILogger logger)
{
    /// <summary>The alert kind of an audited operator action.</summary>
    public const string OperatorActionKind = "operator_action";

    /// <summary>The kiosk-id level the console's own events are published under.</summary>
    public const string ConsoleId = "fleet-console";

    /// <summary>Commands only an operator may send.</summary>
    public static readonly IReadOnlySet<string> OperatorCommands = new HashSet<string>(StringComparer.Ordinal) { "open-gate", "restart", "resync" };

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, byte[] Png)> _screenshots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlyList<(string Device, string Result)> Devices, string? Error)> _selfTests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConfigOutcome> _configs = new(StringComparer.Ordinal);
    private long _auditSeq;

    /// <summary>The latest screenshot of a kiosk.</summary>
    public (DateTimeOffset At, byte[] Png)? Screenshot(string kiosk) => _screenshots.TryGetValue(kiosk, out var s) ? s : null;

    /// <summary>The latest self-test of a kiosk.</summary>
    public (DateTimeOffset At, IReadOnlyList<(string Device, string Result)> Devices, string? Error)? SelfTest(string kiosk) => _selfTests.TryGetValue(kiosk, out var s) ? s : null;

    /// <summary>The latest configuration change made here, per key accepted or rejected.</summary>
    public ConfigOutcome? Configuration(string kiosk) => _configs.TryGetValue(kiosk, out var c) ? c : null;

    /// <summary>Asks a kiosk for its screen; returns one line about it.</summary>
    public async Task<string> TakeScreenshotAsync(KioskStatusRow target, CancellationToken cancellationToken)
    {
        var reply = (await FleetCommandSender.SendAsync(live.Session, [target], false, "screenshot", [], time, cancellationToken))[0];
        if (reply.Succeeded && FleetCommandSender.ScreenshotBytes(reply) is { } png)
        {
            _screenshots[target.Name] = (time.GetUtcNow(), png);
            live.Touch();
            return "screenshot taken";
        }

        return $"no screenshot: {reply.Outcome} {reply.Detail}".TrimEnd();
    }

    /// <summary>Runs the kiosk's self-test and keeps its table.</summary>
    public async Task<string> RunSelfTestAsync(KioskStatusRow target, CancellationToken cancellationToken)
    {
        var reply = (await FleetCommandSender.SendAsync(live.Session, [target], false, "selftest", [], time, cancellationToken))[0];
        var devices = new List<(string, string)>();
        if (reply.Succeeded && reply.Result is { } result && result.TryGetProperty("devices", out var d) && d.ValueKind == JsonValueKind.Object)
        {
            devices.AddRange(d.EnumerateObject().Take(32).Select(p => (ConsoleText.Bound(p.Name)!, ConsoleText.Bound(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText(), ConsoleText.DetailLength)!)));
        }

        _selfTests[target.Name] = (time.GetUtcNow(), devices, reply.Succeeded ? null : $"{reply.Outcome} {reply.Detail}".TrimEnd());
        live.Touch();
        return reply.Succeeded ? "self-test done" : $"self-test {reply.Outcome}";
    }

    /// <summary>Sends a command to one kiosk, or to every kiosk of a site when <paramref name="kioskId"/> is null; audited.</summary>
    public async Task<IReadOnlyList<CommandReply>> SendAsync(string user, string site, string? kioskId, string command, CancellationToken cancellationToken)
    {
        command = FleetCommandSender.Normalize(command);
        if (!FleetCommandSender.IsKnown(command))
        {
            throw new KioskInputException($"unknown command '{command}' (one of {string.Join(", ", KioskCommands.Names)})");
        }

        var targets = Targets(site, kioskId);
        var replies = await FleetCommandSender.SendAsync(live.Session, targets, kioskId is null, command, [], time, cancellationToken);
        var outcome = string.Join("; ", replies.Select(r => r.Succeeded ? $"{r.KioskId} ok" : $"{r.KioskId} {r.Outcome}"));
        await AuditAsync(user, command, $"{site}/{kioskId ?? FleetTopics.SiteWide}", outcome, cancellationToken);
        return replies;
    }

    /// <summary>Changes configuration on one kiosk or every connected kiosk of a site; audited; the outcome per key is kept for the kiosk's page.</summary>
    public async Task<IReadOnlyList<(KioskStatusRow Kiosk, ConfigOutcome Outcome)>> ConfigureAsync(string user, string site, string? kioskId, IReadOnlyList<(string Key, string Value)> set, IReadOnlyList<string> unset, CancellationToken cancellationToken)
    {
        if (set.Count + unset.Count == 0)
        {
            throw new KioskInputException("nothing to change: give Section:Key=Value lines");
        }

        var results = new List<(KioskStatusRow, ConfigOutcome)>();
        foreach (var target in Targets(site, kioskId).Where(t => t.IsConnected))
        {
            var outcome = await FleetConfigurator.ApplyAsync(live.Session, target, set, unset, time, cancellationToken);
            _configs[target.Name] = outcome;
            results.Add((target, outcome));
        }

        if (results.Count == 0)
        {
            throw new KioskInputException($"no connected kiosk to configure in {site}/{kioskId ?? FleetTopics.SiteWide}");
        }

        live.Touch();
        var keys = string.Join(",", set.Select(s => s.Key).Concat(unset));
        await AuditAsync(user, $"config {keys}", $"{site}/{kioskId ?? FleetTopics.SiteWide}", string.Join("; ", results.Select(r => $"{r.Item1.KioskId} {r.Item2.Status} v{r.Item2.Version}")), cancellationToken);
        return results;
    }

    /// <summary>Clears a stopped kiosk's retained topics; audited.</summary>
    public async Task<string> DecommissionAsync(string user, KioskStatusRow target, CancellationToken cancellationToken)
    {
        if (target.IsConnected)
        {
            throw new KioskInputException($"{target.Name} is {target.State}: stop it before decommissioning (it would announce itself again)");
        }

        var cleared = await FleetDecommission.ClearAsync(live.Session, target, discoveryPrefix, cancellationToken);
        _screenshots.TryRemove(target.Name, out _);
        _selfTests.TryRemove(target.Name, out _);
        _configs.TryRemove(target.Name, out _);
        var outcome = $"cleared {cleared} retained topics";
        await AuditAsync(user, "decommission", target.Name, outcome, cancellationToken);
        return outcome;
    }

    /// <summary>Records an operator action in the history and publishes it as an alert event of the site.</summary>
    public async Task AuditAsync(string user, string action, string target, string outcome, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entry = new AuditEntry(now, ConsoleText.Bound(user)!, ConsoleText.Bound(action, ConsoleText.DetailLength)!, target, ConsoleText.Bound(outcome, ConsoleText.DetailLength)!);
        live.History.AddAudit(entry);
        LogAudited(logger, entry.User, entry.Action, entry.Target);
        var slash = target.IndexOf('/', StringComparison.Ordinal);
        var site = slash > 0 ? target[..slash] : target;
        try
        {
            var session = await live.Session.WaitForSessionAsync(cancellationToken);
            var topics = new FleetTopics(live.Session.Settings.Prefix, site, ConsoleId);
            var payload = FleetJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("eventId", Guid.CreateVersion7(now).ToString());
                w.WriteNumber("seq", Interlocked.Increment(ref _auditSeq));
                w.WriteString("at", FleetJson.Timestamp(now));
                w.WriteString("kind", OperatorActionKind);
                w.WriteString("detail", $"{entry.User}: {entry.Action} {entry.Target} -> {entry.Outcome}");
                w.WriteBoolean("active", true);
                w.WriteEndObject();
            });
            await live.Session.PublishAsync(session, live.Session.CreateMessage(session, topics.AlertEvents, payload, retain: false), cancellationToken);
        }
        catch (KioskInputException ex)
        {
            LogAuditNotPublished(logger, ex.Message);
        }

        live.Touch();
    }

    private IReadOnlyList<KioskStatusRow> Targets(string site, string? kioskId)
    {
        var rows = live.Rows().Select(r => r.Row).Where(r => r.Site == site && (kioskId is null || r.KioskId == kioskId)).ToArray();
        return rows.Length > 0 ? rows : throw new KioskInputException(kioskId is null ? $"no kiosk in site '{site}'" : $"unknown kiosk '{site}/{kioskId}'");
    }

    [LoggerMessage(EventId = 4602, Level = LogLevel.Information, Message = "fleet console: {User} did {Action} on {Target}")]
    private static partial void LogAudited(ILogger logger, string user, string action, string target);

    [LoggerMessage(EventId = 4603, Level = LogLevel.Warning, Message = "fleet console: the audit event was not published ({Reason}); it is in the history")]
    private static partial void LogAuditNotPublished(ILogger logger, string reason);
}
