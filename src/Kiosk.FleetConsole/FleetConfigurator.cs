using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Kiosk.Core;
using Kiosk.Mqtt;
using MQTTnet;

namespace Kiosk.FleetConsole;

/// <summary>
/// <c>kiosk fleet config KIOSK --set Key=Value</c>: merges the keys into the kiosk's retained <c>config/desired</c>
/// document (the whole desired state, docs/mqtt.md), publishes it with the next version, and waits for
/// <c>config/reported</c> to answer that version. The kiosk applies a document whole or not at all: when it rejects,
/// each key is reported with the reasons that name it, and the previous desired document is put back on the broker so
/// the rejected one is not offered again at the next reconnect.
/// </summary>
public static class FleetConfigurator
{
    /// <summary>Parses <c>Section:Key=Value</c> (a dot works as the separator too).</summary>
    public static (string Key, string Value) ParseSetting(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new KioskInputException($"--set '{text}' must be Section:Key=Value");
        }

        return (ParseKey(text[..equals], "--set"), text[(equals + 1)..]);
    }

    /// <summary>Parses <c>Section:Key</c>.</summary>
    public static string ParseKey(string text, string option)
    {
        var key = text.Trim().Replace('.', ':');
        var parts = key.Split(':');
        if (parts.Length < 2 || parts.Any(p => p.Length == 0 || p.Any(c => !char.IsLetterOrDigit(c) && c != '_')))
        {
            throw new KioskInputException($"{option} '{text}' must name Section:Key (e.g. Checkpoint:FeverThresholdC)");
        }

        return key;
    }

    /// <summary>Applies <paramref name="set"/> and <paramref name="unset"/> to the kiosk's desired document and reports its answer.</summary>
    public static async Task<ConfigOutcome> ApplyAsync(FleetConsoleSession session, KioskStatusRow target, IReadOnlyList<(string Key, string Value)> set, IReadOnlyList<string> unset, TimeProvider time, CancellationToken cancellationToken)
    {
        var topics = new FleetTopics(session.Settings.Prefix, target.Site, target.KioskId);
        var retained = await RetainedReader.ReadAsync(session, [topics.ConfigDesired, topics.ConfigReported], t => t == topics.ConfigDesired || t == topics.ConfigReported, time, cancellationToken);
        var previous = retained.GetValueOrDefault(topics.ConfigDesired);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        long version = 0;
        if (previous is not null)
        {
            try
            {
                var document = DesiredDocument.Parse(previous);
                version = document.Version;
                foreach (var (key, value) in document.Values)
                {
                    values[key] = value;
                }
            }
            catch (FormatException ex)
            {
                throw new KioskInputException($"the retained {topics.ConfigDesired} is not a desired document ({ex.Message}); clear it first");
            }
        }

        if (retained.GetValueOrDefault(topics.ConfigReported) is { } reported)
        {
            version = Math.Max(version, ReportedVersions(reported).Max());
        }

        if (version >= DesiredDocument.MaxVersion)
        {
            throw new KioskInputException($"the desired configuration of {target.KioskId} is at version {version.ToString(CultureInfo.InvariantCulture)}, the last there is ({DesiredDocument.MaxVersion.ToString(CultureInfo.InvariantCulture)}); publish the whole desired document with version {DesiredDocument.MaxVersion.ToString(CultureInfo.InvariantCulture)} to change it (docs/mqtt.md, Remote configuration)");
        }

        version = checked(version + 1);
        foreach (var key in unset)
        {
            foreach (var existing in values.Keys.Where(k => k.Equals(key, StringComparison.OrdinalIgnoreCase) || k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)).ToArray())
            {
                values.Remove(existing);
            }
        }

        foreach (var (key, value) in set)
        {
            values[key] = value;
        }

        var payload = Build(version, values);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);

        void OnMessage(MqttApplicationMessage message, DateTimeOffset receivedAt)
        {
            if (message.Topic != topics.ConfigReported || message.Payload.Length == 0)
            {
                return;
            }

            try
            {
                using var document = JsonDocument.Parse(message.Payload.ToArray());
                var root = document.RootElement;
                if (Answers(root, version))
                {
                    answer.TrySetResult(root.Clone());
                }
            }
            catch (JsonException)
            {
                // Not the kiosk's report: keep waiting.
            }
        }

        var changed = set.Select(s => s.Key).Concat(unset).ToArray();
        IReadOnlyDictionary<string, string>? perKey = null;
        session.MessageReceived += OnMessage;
        JsonElement report;
        try
        {
            var fleetSession = await session.WaitForSessionAsync(cancellationToken);
            await session.PublishAsync(fleetSession, session.CreateMessage(fleetSession, topics.ConfigDesired, payload, retain: true), cancellationToken);
            try
            {
                report = await answer.Task.WaitAsync(session.Settings.Timeout, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // The document stays: the kiosk checks it when it gets it.
                var silence = $"no config/reported for version {version} within {FleetConsoleSession.Seconds(session.Settings.Timeout)} s";
                return new ConfigOutcome("timeout", version, silence, Keys(set, unset, accepted: false, silence), Restored: false);
            }

            var status = report.GetProperty("status").GetString() ?? "rejected";
            if (status != "rejected")
            {
                return new ConfigOutcome(status, version, null, Keys(set, unset, accepted: true, null), Restored: false);
            }

            var reason = report.TryGetProperty("rejected", out var r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty("reason", out var why) ? why.GetString() : null;
            perKey = PerKey(r);

            // Put back what was there, so the broker does not offer the rejected document again.
            var restore = session.CreateMessage(fleetSession, topics.ConfigDesired, previous ?? [], retain: true);
            await session.PublishAsync(fleetSession, restore, cancellationToken);
            return new ConfigOutcome("rejected", version, reason, Keys(set, unset, accepted: false, reason), Restored: true);
        }
        finally
        {
            session.MessageReceived -= OnMessage;
        }

        ConfigKeyOutcome[] Keys(IReadOnlyList<(string Key, string Value)> s, IReadOnlyList<string> u, bool accepted, string? reason) =>
            s.Select(p => new ConfigKeyOutcome(p.Key, p.Value, accepted, accepted ? null : ReasonFor(p.Key, reason, changed, perKey)))
                .Concat(u.Select(k => new ConfigKeyOutcome(k, null, accepted, accepted ? null : ReasonFor(k, reason, changed, perKey))))
                .ToArray();
    }

    /// <summary>The kiosk's reasons per key (<c>rejected.keys</c> of <c>config/reported</c>); null from kiosks before it.</summary>
    public static IReadOnlyDictionary<string, string>? PerKey(JsonElement rejected)
    {
        if (rejected.ValueKind != JsonValueKind.Object || !rejected.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in keys.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                result[property.Name] = property.Value.GetString()!;
            }
        }

        return result;
    }

    /// <summary>The document <c>{"version":N,"Section":{"Key":value}}</c>, numbers and booleans as JSON literals.</summary>
    public static byte[] Build(long version, IReadOnlyDictionary<string, string?> values)
    {
        var tree = new SortedDictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in values)
        {
            var parts = key.Split(':');
            var node = tree;
            foreach (var part in parts[..^1])
            {
                if (!node.TryGetValue(part, out var child) || child is not SortedDictionary<string, object> next)
                {
                    next = new SortedDictionary<string, object>(StringComparer.OrdinalIgnoreCase);
                    node[part] = next;
                }

                node = next;
            }

            node[parts[^1]] = value ?? string.Empty;
        }

        return FleetJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("version", version);
            foreach (var (name, child) in tree)
            {
                Write(w, name, child);
            }

            w.WriteEndObject();
        });
    }

    /// <summary>The reasons (of <c>;</c>-separated <paramref name="reason"/>) that name <paramref name="key"/> or its section.</summary>
    public static string ReasonFor(string key, string? reason, IReadOnlyCollection<string> changed, IReadOnlyDictionary<string, string>? perKey = null)
    {
        if (string.IsNullOrEmpty(reason))
        {
            return "not applied: the document was rejected";
        }

        // The kiosk names each key's reasons itself (Section:Key, the first two parts of a deeper key).
        if (perKey is not null)
        {
            var segments = key.Split(':');
            var named = segments.Length < 2 ? key : $"{segments[0]}:{segments[1]}";
            if (perKey.TryGetValue(named, out var own) || perKey.TryGetValue(key, out own))
            {
                return own;
            }

            return "not applied: the kiosk takes a document whole or not at all (see the other keys)";
        }

        var section = key.Split(':')[0];
        var parts = reason.Split("; ", StringSplitOptions.RemoveEmptyEntries);
        var mine = parts.Where(p => p.Contains(key, StringComparison.OrdinalIgnoreCase)
            || p.StartsWith(section + " is not changeable", StringComparison.OrdinalIgnoreCase)
            || p.Contains(":" + key.Split(':')[^1] + ":", StringComparison.OrdinalIgnoreCase)).ToArray();
        if (mine.Length > 0)
        {
            return string.Join("; ", mine);
        }

        return changed.Count > 1 ? "not applied: the kiosk takes a document whole or not at all (see the other keys)" : reason;
    }

    private static IEnumerable<long> ReportedVersions(byte[] reported)
    {
        yield return 0;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(reported);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            yield break;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        if (root.TryGetProperty("version", out var v) && v.TryGetInt64Safe() is { } applied)
        {
            yield return applied;
        }

        if (root.TryGetProperty("rejected", out var r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty("version", out var rv) && rv.TryGetInt64Safe() is { } rejected)
        {
            yield return rejected;
        }
    }

    private static bool Answers(JsonElement root, long version)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        return status.GetString() switch
        {
            "applied" or "unchanged" => root.TryGetProperty("version", out var v) && v.TryGetInt64Safe() == version,
            "rejected" => root.TryGetProperty("rejected", out var r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty("version", out var rv) && rv.TryGetInt64Safe() == version,
            _ => false,
        };
    }

    private static long? TryGetInt64Safe(this JsonElement element) => element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value) ? value : null;

    private static void Write(Utf8JsonWriter w, string name, object node)
    {
        if (node is SortedDictionary<string, object> children)
        {
            w.WriteStartObject(name);
            foreach (var (childName, child) in children)
            {
                Write(w, childName, child);
            }

            w.WriteEndObject();
            return;
        }

        var text = (string)node;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) && !text.Contains(':', StringComparison.Ordinal))
        {
            w.WriteNumber(name, number);
        }
        else if (bool.TryParse(text, out var flag))
        {
            w.WriteBoolean(name, flag);
        }
        else
        {
            w.WriteString(name, text);
        }
    }
}
