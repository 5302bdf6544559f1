using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Kiosk.Core;
using Kiosk.Mqtt;
using MQTTnet;

namespace Kiosk.FleetConsole;

/// <summary>
/// Sends a fleet command (<see cref="FleetCommands"/>, mqtt.md) and collects the answers. To one kiosk: an MQTT 5
/// request with a response topic under this tool's reply root, correlation data and a message expiry of the timeout;
/// on MQTT 3.1.1 (or when the kiosk itself speaks 3.1.1) the answer comes on the kiosk's <c>cmd/{name}/result</c> topic
/// with the <c>requestId</c>. To a site: one message on <c>{site}/all/cmd/{name}</c> without a response topic, so each
/// kiosk answers on its own result topic, which the broker's ACL lets only that kiosk write: an answer cannot be
/// forged by another kiosk of the site. The body carries <c>requestId</c>, <c>sentAt</c> and <c>expirySeconds</c> so
/// a kiosk drops a command that waited too long, on either protocol.
/// </summary>
public static class FleetCommandSender
{
    private static readonly string[] Reserved = ["requestId", "sentAt", "expirySeconds"];

    /// <summary>Command spellings people type, mapped to the kiosk's names (<c>self-test</c> → <c>selftest</c>).</summary>
    public static string Normalize(string command) => command.ToLowerInvariant() switch
    {
        "self-test" or "self_test" => "selftest",
        "opengate" or "open_gate" => "open-gate",
        var c => c,
    };

    /// <summary>True for a command the kiosk runs.</summary>
    public static bool IsKnown(string command) => KioskCommands.Names.Contains(Normalize(command), StringComparer.Ordinal);

    /// <summary>Builds the request body from <c>key=value</c> arguments (numbers and booleans as JSON, the rest as strings).</summary>
    public static byte[] Body(string requestId, DateTimeOffset sentAt, TimeSpan expiry, IReadOnlyList<string> arguments)
    {
        var fields = new List<(string Key, string Value)>();
        foreach (var argument in arguments)
        {
            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new KioskInputException($"command argument '{argument}' must be KEY=VALUE");
            }

            var key = argument[..equals];
            if (Reserved.Contains(key, StringComparer.OrdinalIgnoreCase) || fields.Any(f => f.Key == key))
            {
                throw new KioskInputException($"command argument '{key}' is reserved or given twice");
            }

            fields.Add((key, argument[(equals + 1)..]));
        }

        return FleetJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("requestId", requestId);
            w.WriteString("sentAt", FleetJson.Timestamp(sentAt));
            w.WriteNumber("expirySeconds", Math.Round(expiry.TotalSeconds, 1));
            foreach (var (key, value) in fields)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
                {
                    w.WriteNumber(key, number);
                }
                else if (bool.TryParse(value, out var flag))
                {
                    w.WriteBoolean(key, flag);
                }
                else
                {
                    w.WriteString(key, value);
                }
            }

            w.WriteEndObject();
        });
    }

    /// <summary>
    /// Sends <paramref name="command"/> to <paramref name="targets"/> (one kiosk, or every kiosk of one site when
    /// <paramref name="siteWide"/>) and waits for each connected target's answer until the timeout. Kiosks that are
    /// not connected are not sent to and come back as <see cref="CommandReply.NotSent"/>.
    /// </summary>
    public static async Task<IReadOnlyList<CommandReply>> SendAsync(FleetConsoleSession session, IReadOnlyList<KioskStatusRow> targets, bool siteWide, string command, IReadOnlyList<string> arguments, TimeProvider time, CancellationToken cancellationToken)
    {
        command = Normalize(command);
        var prefix = session.Settings.Prefix;
        var timeoutSpan = session.Settings.Timeout;
        var requestId = Guid.CreateVersion7(time.GetUtcNow()).ToString("N")[..20];
        var body = Body(requestId, time.GetUtcNow(), timeoutSpan, arguments);
        var replies = new ConcurrentDictionary<string, CommandReply>(StringComparer.Ordinal);
        var connected = targets.Where(t => t.IsConnected).ToArray();
        var expected = connected.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var site = targets.Select(t => t.Site).Distinct(StringComparer.Ordinal).Single();
        var correlation = Encoding.UTF8.GetBytes(requestId);
        var replyTopic = $"{session.ReplyRoot}/{requestId}";
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        void OnMessage(MqttApplicationMessage message, DateTimeOffset receivedAt)
        {
            string? fromSite = null;
            string? fromKiosk = null;
            if (message.Topic == replyTopic && message.CorrelationData is { } data && data.AsSpan().SequenceEqual(correlation))
            {
                // Only the addressed kiosk received this request (its own command topic), so only it knows the correlation.
                (fromSite, fromKiosk) = (connected[0].Site, connected[0].KioskId);
            }
            else if (FleetTopics.TryParse(prefix, message.Topic, out var s, out var k, out var rest) && rest == $"cmd/{command}/result")
            {
                (fromSite, fromKiosk) = (s, k);
            }

            if (fromSite is null || fromKiosk is null || ParseAnswer(fromSite, fromKiosk, message.Payload.ToArray(), requestId) is not { } reply)
            {
                return;
            }

            if ((siteWide ? fromSite == site : expected.Contains(reply.Name)) && replies.TryAdd(reply.Name, reply)
                && expected.All(replies.ContainsKey))
            {
                allDone.TrySetResult();
            }
        }

        foreach (var target in targets.Where(t => !t.IsConnected))
        {
            replies[target.Name] = new CommandReply(target.Site, target.KioskId, CommandReply.NotSent, $"the kiosk is {target.State}", null);
        }

        if (connected.Length == 0)
        {
            return Order(replies.Values);
        }

        session.MessageReceived += OnMessage;
        try
        {
            var fleetSession = await session.WaitForSessionAsync(cancellationToken);
            var resultFilter = FleetTopics.Filter(prefix, site, siteWide ? null : connected[0].KioskId, $"cmd/{command}/result");
            var refused = await session.SubscribeAsync(siteWide ? [resultFilter] : [resultFilter, replyTopic], cancellationToken);
            if (refused.Contains(resultFilter))
            {
                throw new KioskInputException($"the broker refused the subscription to {resultFilter} (not authorized: check the broker ACL)");
            }

            var topics = new FleetTopics(prefix, site, connected[0].KioskId);
            var topic = siteWide ? topics.SiteCommand(command) : topics.Command(command);
            var message = session.CreateMessage(fleetSession, topic, body, retain: false);
            if (!siteWide && fleetSession.IsMqtt5 && session.RepliesReadable != false && !refused.Contains(replyTopic))
            {
                message.ResponseTopic = replyTopic;
                message.CorrelationData = correlation;
            }

            if (fleetSession.IsMqtt5)
            {
                message.MessageExpiryInterval = (uint)Math.Max(1, Math.Ceiling(timeoutSpan.TotalSeconds));
            }

            await session.PublishAsync(fleetSession, message, cancellationToken);
            try
            {
                await allDone.Task.WaitAsync(timeoutSpan, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Whoever has not answered is reported below.
            }
        }
        finally
        {
            session.MessageReceived -= OnMessage;
        }

        foreach (var target in connected.Where(t => !replies.ContainsKey(t.Name)))
        {
            replies[target.Name] = new CommandReply(target.Site, target.KioskId, CommandReply.Timeout, $"no answer within {FleetConsoleSession.Seconds(timeoutSpan)} s", null);
        }

        return Order(replies.Values);
    }

    /// <summary>Reads one answer of <see cref="FleetCommands"/>; null when it is not JSON or answers another request.</summary>
    public static CommandReply? ParseAnswer(string site, string kioskId, byte[] payload, string requestId)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("requestId", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() != requestId
                || !root.TryGetProperty("ok", out var ok) || ok.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return null;
            }

            if (ok.GetBoolean())
            {
                var result = root.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.Object ? r.Clone() : (JsonElement?)null;
                return new CommandReply(site, kioskId, CommandReply.Ok, null, result);
            }

            var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : "failed";
            return new CommandReply(site, kioskId, CommandReply.Rejected, error, null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// One line for an answer: what the kiosk did. <paramref name="saved"/> names the file a screenshot went to.
    /// Never prints a screenshot's pixels or anything else from a visitor.
    /// </summary>
    public static string Describe(string command, CommandReply reply, string? saved = null)
    {
        if (!reply.Succeeded)
        {
            return $"{reply.Name}  {reply.Outcome}  {reply.Detail}";
        }

        var result = reply.Result;
        var what = Normalize(command) switch
        {
            "ping" when result is { } r => $"pong, version {Text(r, "version")}, up {Text(r, "uptimeS")} s, boot {Text(r, "bootId")}",
            "open-gate" => "gate opened",
            "resync" => "resync requested: the kiosk keeps deciding on its current color data until the newest snapshot is applied",
            "screenshot" when saved is not null => $"saved {saved} ({(result is { } r && r.TryGetProperty("bytes", out var b) ? b.GetRawText() : "?")} bytes)",
            "selftest" when result is { } r && r.TryGetProperty("devices", out var devices) && devices.ValueKind == JsonValueKind.Object =>
                SelfTestTable(r, devices),
            "restart" => "restarting",
            _ => result?.GetRawText() ?? "done",
        };
        return $"{reply.Name}  {reply.Outcome}  {what}";
    }

    /// <summary>
    /// The self-test answer as a table, one device a line with a plain verdict (<c>ok</c>, <c>fault</c>, <c>none</c>,
    /// <c>untested</c>), under a line that counts them. An older kiosk's answer (devices only) is shown the same way.
    /// </summary>
    public static string SelfTestTable(JsonElement result, JsonElement devices)
    {
        var rows = new List<string[]>();
        if (result.TryGetProperty("checks", out var checks) && checks.ValueKind == JsonValueKind.Array)
        {
            foreach (var check in checks.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).Take(ConsoleText.MaxProblems))
            {
                rows.Add([ConsoleText.Cell(Text(check, "device")), ConsoleText.Cell(Text(check, "verdict")), ConsoleText.Cell(Text(check, "detail"), ConsoleText.DetailLength)]);
            }
        }
        else
        {
            foreach (var device in devices.EnumerateObject().Take(ConsoleText.MaxProblems))
            {
                var text = device.Value.ValueKind == JsonValueKind.String ? device.Value.GetString() : device.Value.GetRawText();
                var (verdict, detail) = SplitVerdict(text);
                rows.Add([ConsoleText.Cell(device.Name), ConsoleText.Cell(verdict), ConsoleText.Cell(detail, ConsoleText.DetailLength)]);
            }
        }

        var faults = rows.Count(r => r[1] == "fault");
        var table = FleetStatusTable.Align(["DEVICE", "VERDICT", "DETAIL"], rows, width: null, shrink: 2);
        var summary = faults == 0 ? $"self-test: {rows.Count} checks, no fault" : $"self-test: {faults} of {rows.Count} checks at fault";
        return summary + Environment.NewLine + string.Join(Environment.NewLine, table.Select(l => "  " + l));
    }

    private static (string Verdict, string Detail) SplitVerdict(string? text)
    {
        var value = (text ?? string.Empty).Trim();
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var paren = value.IndexOf(" (", StringComparison.Ordinal);
        var cut = colon > 0 && (paren < 0 || colon < paren) ? colon : paren;
        if (cut <= 0)
        {
            return (value.Length == 0 ? "?" : value, string.Empty);
        }

        var detail = value[(cut + 1)..].Trim();
        return (value[..cut], detail.Length >= 2 && detail[0] == '(' && detail[^1] == ')' ? detail[1..^1].Trim() : detail);
    }

    /// <summary>One JSON line for an answer: <c>{"site","kioskId","command","outcome","detail","result"}</c> (a screenshot's PNG replaced by the file it went to).</summary>
    public static string Json(string command, CommandReply reply, string? saved = null) =>
        Encoding.UTF8.GetString(FleetJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("site", reply.Site);
            w.WriteString("kioskId", reply.KioskId);
            w.WriteString("command", Normalize(command));
            w.WriteString("outcome", reply.Outcome);
            if (reply.Detail is null)
            {
                w.WriteNull("detail");
            }
            else
            {
                w.WriteString("detail", reply.Detail);
            }

            if (saved is not null)
            {
                w.WriteString("file", saved);
            }
            else if (reply.Result is { } result)
            {
                w.WritePropertyName("result");
                result.WriteTo(w);
            }
            else
            {
                w.WriteNull("result");
            }

            w.WriteEndObject();
        }));

    /// <summary>The PNG of a screenshot answer; null when it has none.</summary>
    public static byte[]? ScreenshotBytes(CommandReply reply)
    {
        if (reply.Result is not { } result || !result.TryGetProperty("png", out var png) || png.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return png.GetBytesFromBase64();
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText() : "?";

    private static IReadOnlyList<CommandReply> Order(IEnumerable<CommandReply> replies) =>
        replies.OrderBy(r => r.Site, StringComparer.Ordinal).ThenBy(r => r.KioskId, StringComparer.Ordinal).ToArray();
}
