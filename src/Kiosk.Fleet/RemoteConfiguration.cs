using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Kiosk.Core;
using Kiosk.Core.Configuration;
using Kiosk.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Kiosk.Fleet;

/// <summary>
/// Remote configuration of mqtt.md: a <c>config/desired</c> document is checked against the allow-list of
/// run-time settings (<see cref="RuntimeSettingRegistration"/>), merged over the kiosk's own configuration, bound to
/// the options types and validated; only when everything passes is it persisted and made effective through the
/// <see cref="RuntimeConfigurationSource"/> (so <c>IOptionsMonitor</c> consumers see it). Otherwise nothing changes.
/// <c>config/reported</c> carries the effective settings (secrets left out), the applied version and the last
/// rejection.
/// </summary>
public sealed partial class RemoteConfiguration
{
    private static readonly string[] SecretMarkers = ["Password", "Secret", "Token"];

    // Sections a kiosk reads from its files only: named "not changeable at run time", never "unknown", even when a file leaves them out.
    private static readonly string[] KnownSections = [KioskOptions.Section, FleetOptions.Section, "ColorFeed", "HealthCode", "Camera", "Gpio", "Logging"];

    private readonly RuntimeConfigurationSource _source;
    private readonly IConfiguration _configuration;
    private readonly IReadOnlyList<RuntimeSettingRegistration> _registrations;
    private readonly IOptions<KioskOptions> _kiosk;
    private readonly IOptions<FleetOptions> _fleet;
    private readonly TimeProvider _time;
    private readonly ILogger<RemoteConfiguration> _logger;
    private readonly object _gate = new();
    private ConfigApplyResult? _last;

    /// <summary>Creates the remote configuration.</summary>
    /// <param name="source">The runtime source the host added last to its configuration.</param>
    /// <param name="configuration">The host's configuration root.</param>
    /// <param name="registrations">Sections changeable at run time.</param>
    /// <param name="kiosk">Reported (read-only).</param>
    /// <param name="fleet">Reported (read-only, secrets left out).</param>
    /// <param name="time">Clock.</param>
    /// <param name="logger">Logger.</param>
    public RemoteConfiguration(RuntimeConfigurationSource source, IConfiguration configuration, IEnumerable<RuntimeSettingRegistration> registrations, IOptions<KioskOptions> kiosk, IOptions<FleetOptions> fleet, TimeProvider time, ILogger<RemoteConfiguration> logger)
    {
        _source = source;
        _configuration = configuration;
        _registrations = registrations.ToArray();
        _kiosk = kiosk;
        _fleet = fleet;
        _time = time;
        _logger = logger;
        if (source.Provider.LoadError is { } error)
        {
            LogLoadFailed(_logger, error);
        }
        else if (source.Provider.AppliedVersion is { } version)
        {
            LogLoaded(_logger, version);
        }
    }

    /// <summary>The version in force; null when no remote document was applied.</summary>
    public long? AppliedVersion => _source.Provider.AppliedVersion;

    /// <summary>The answer to the latest document; null before the first.</summary>
    public ConfigApplyResult? Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>Validates and, when valid, applies a desired document. Never throws for bad input.</summary>
    public ConfigApplyResult Apply(ReadOnlySpan<byte> json)
    {
        lock (_gate)
        {
            _last = ApplyCore(json);
            if (_last.Applied)
            {
                LogApplied(_logger, _last.Version ?? -1);
            }
            else if (_last.Status == "rejected")
            {
                LogRejected(_logger, _last.Version ?? -1, _last.Reason ?? "-");
            }

            return _last;
        }
    }

    /// <summary>The <c>config/reported</c> payload.</summary>
    public byte[] BuildReported()
    {
        ConfigApplyResult? last;
        lock (_gate)
        {
            last = _last;
        }

        return FleetJson.Write(w =>
        {
            w.WriteStartObject();
            if (AppliedVersion is { } version)
            {
                w.WriteNumber("version", version);
            }
            else
            {
                w.WriteNull("version");
            }

            w.WriteString("at", FleetJson.Timestamp(_time.GetUtcNow()));
            w.WriteString("status", last?.Status ?? (AppliedVersion is null ? "default" : "applied"));
            if (last is { Status: "rejected" })
            {
                w.WriteStartObject("rejected");
                if (last.Version is { } rejectedVersion)
                {
                    w.WriteNumber("version", rejectedVersion);
                }
                else
                {
                    w.WriteNull("version");
                }

                w.WriteString("reason", last.Reason);
                w.WriteStartObject("keys");
                foreach (var (key, reason) in last.Keys ?? new Dictionary<string, string>())
                {
                    w.WriteString(key, reason);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("rejected");
            }

            w.WriteStartObject("settings");
            foreach (var registration in _registrations)
            {
                w.WritePropertyName(registration.Section);
                WriteObject(w, registration.Current, 0);
            }

            w.WritePropertyName(KioskOptions.Section);
            WriteObject(w, _kiosk.Value, 0);
            w.WritePropertyName(FleetOptions.Section);
            WriteObject(w, _fleet.Value, 0);
            w.WriteEndObject();
            w.WriteStartArray("changeable");
            foreach (var registration in _registrations)
            {
                w.WriteStringValue(registration.Section);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private ConfigApplyResult ApplyCore(ReadOnlySpan<byte> json)
    {
        DesiredDocument document;
        try
        {
            document = DesiredDocument.Parse(json);
        }
        catch (FormatException ex)
        {
            return new ConfigApplyResult("rejected", null, ex.Message);
        }

        var provider = _source.Provider;
        if (provider.AppliedVersion is { } applied)
        {
            if (document.Version < applied)
            {
                return new ConfigApplyResult("rejected", document.Version, $"version {document.Version} is older than the applied version {applied}");
            }

            if (document.Version == applied && SameValues(provider.Values, document.Values))
            {
                return new ConfigApplyResult("unchanged", document.Version, null);
            }

            // The last version cannot be raised: it may be published again with other settings, so no version pins a kiosk.
            if (document.Version == applied && applied != DesiredDocument.MaxVersion)
            {
                return new ConfigApplyResult("rejected", document.Version, $"version {applied} was already applied with other settings; raise the version");
            }
        }

        var reasons = new List<string>();
        var keyReasons = new SortedDictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var allKnown = _registrations.SelectMany(r => KnownKeys.Of(r.Section, r.OptionsType)).ToArray();
        foreach (var key in document.Values.Keys.Order(StringComparer.OrdinalIgnoreCase))
        {
            var parts = key.Split(':', 3);
            var registration = _registrations.FirstOrDefault(r => string.Equals(r.Section, parts[0], StringComparison.OrdinalIgnoreCase));
            string? reason = null;
            string named = parts.Length < 2 ? parts[0] : $"{parts[0]}:{parts[1]}";
            if (registration is null)
            {
                // A section the kiosk has (Fleet, Kiosk) but does not change at run time, or one it does not know at all.
                reason = _configuration.GetSection(parts[0]).Exists() || KnownSections.Contains(parts[0], StringComparer.OrdinalIgnoreCase)
                    ? $"{parts[0]} is not changeable at run time"
                    : KnownKeys.Unknown(named, allKnown);
            }
            else if (parts.Length < 2)
            {
                reason = $"{registration.Section}: is not changeable at run time";
            }
            else if (!KnownKeys.IsProperty(parts[1], registration.OptionsType))
            {
                named = $"{registration.Section}:{parts[1]}";
                reason = KnownKeys.Unknown(named, KnownKeys.Of(registration.Section, registration.OptionsType));
            }
            else if (!registration.IsChangeable(parts[1]))
            {
                reason = $"{registration.Section}:{parts[1]} is not changeable at run time";
            }

            if (reason is not null)
            {
                reasons.Add(reason);
                AddKeyReason(keyReasons, named, reason);
            }
        }

        if (reasons.Count > 0)
        {
            return Rejected(document.Version, reasons, keyReasons);
        }

        using var candidate = BuildCandidate(document.Values);
        foreach (var registration in _registrations)
        {
            reasons.AddRange(registration.Validate(candidate.GetSection(registration.Section)));
        }

        if (reasons.Count > 0)
        {
            // Each failure line names its key (Checkpoint:FeverThresholdC is 45 °C; ...): give it to the keys it names.
            foreach (var key in document.Values.Keys)
            {
                var parts = key.Split(':', 3);
                var named = parts.Length < 2 ? parts[0] : $"{parts[0]}:{parts[1]}";
                foreach (var failure in reasons.Where(f => f.Contains(named, StringComparison.OrdinalIgnoreCase)))
                {
                    AddKeyReason(keyReasons, named, failure);
                }
            }

            return Rejected(document.Version, reasons, keyReasons);
        }

        try
        {
            provider.Commit(json, document);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ConfigApplyResult("rejected", document.Version, $"could not persist the settings ({ex.GetType().Name})");
        }

        return new ConfigApplyResult("applied", document.Version, null);
    }

    private static ConfigApplyResult Rejected(long version, List<string> reasons, SortedDictionary<string, List<string>> keyReasons) =>
        new("rejected", version, string.Join("; ", reasons.Distinct(StringComparer.OrdinalIgnoreCase)), keyReasons.ToDictionary(p => p.Key, p => string.Join("; ", p.Value.Distinct(StringComparer.Ordinal)), StringComparer.OrdinalIgnoreCase));

    private static void AddKeyReason(SortedDictionary<string, List<string>> keyReasons, string key, string reason)
    {
        if (!keyReasons.TryGetValue(key, out var list))
        {
            keyReasons[key] = list = [];
        }

        list.Add(reason);
    }

    // The kiosk's own configuration (every provider but the runtime one, unchanged, not reloaded) with the candidate on top.
    private ConfigurationRoot BuildCandidate(IReadOnlyDictionary<string, string?> values)
    {
        var providers = new List<IConfigurationProvider>();
        if (_configuration is IConfigurationRoot root)
        {
            providers.AddRange(root.Providers.Where(p => !ReferenceEquals(p, _source.Provider)).Select(p => new FrozenProvider(p)));
        }
        else
        {
            providers.Add(new ChainedProvider(_configuration));
        }

        var memory = new MemoryConfigurationProvider(new MemoryConfigurationSource());
        foreach (var (key, value) in values)
        {
            memory.Set(key, value);
        }

        providers.Add(memory);
        return new ConfigurationRoot(providers);
    }

    private static bool SameValues(IReadOnlyDictionary<string, string?> a, IReadOnlyDictionary<string, string?> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && string.Equals(v, p.Value, StringComparison.Ordinal));

    private static void WriteObject(Utf8JsonWriter w, object? value, int depth)
    {
        if (value is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (property.GetMethod is null || property.SetMethod is null || property.GetIndexParameters().Length > 0
                || SecretMarkers.Any(m => property.Name.Contains(m, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            w.WritePropertyName(property.Name);
            WriteValue(w, property.GetValue(value), depth);
        }

        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, object? value, int depth)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case TimeSpan t:
                w.WriteStringValue(t.ToString("c", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset d:
                w.WriteStringValue(FleetJson.Timestamp(d));
                break;
            case Enum e:
                w.WriteStringValue(e.ToString());
                break;
            case double or float or decimal or int or long or short or byte or uint or ulong or ushort or sbyte:
                w.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!);
                break;
            case IEnumerable items when depth < 3:
                w.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(w, item, depth + 1);
                }

                w.WriteEndArray();
                break;
            default:
                if (depth < 3 && value.GetType().IsClass)
                {
                    WriteObject(w, value, depth + 1);
                }
                else
                {
                    w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                }

                break;
        }
    }

    [LoggerMessage(EventId = 760, Level = LogLevel.Information, Message = "Fleet: remote configuration version {Version} applied")]
    private static partial void LogApplied(ILogger logger, long version);

    [LoggerMessage(EventId = 761, Level = LogLevel.Warning, Message = "Fleet: remote configuration version {Version} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, long version, string reason);

    [LoggerMessage(EventId = 762, Level = LogLevel.Information, Message = "Fleet: remote configuration version {Version} loaded from the data directory")]
    private static partial void LogLoaded(ILogger logger, long version);

    [LoggerMessage(EventId = 763, Level = LogLevel.Warning, Message = "Fleet: the stored remote configuration was ignored: {Error}")]
    private static partial void LogLoadFailed(ILogger logger, string error);

    /// <summary>A provider of the live configuration, read as is: never reloaded by the candidate root.</summary>
    private sealed class FrozenProvider(IConfigurationProvider inner) : IConfigurationProvider
    {
        public bool TryGet(string key, out string? value) => inner.TryGet(key, out value);

        public void Set(string key, string? value)
        {
            // Read-only view.
        }

        public IChangeToken GetReloadToken() => new CancellationChangeToken(CancellationToken.None);

        public void Load()
        {
            // Already loaded by the live root.
        }

        public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) => inner.GetChildKeys(earlierKeys, parentPath);
    }

    /// <summary>Fallback when the configuration is not a root: reads it through as one provider.</summary>
    private sealed class ChainedProvider(IConfiguration configuration) : IConfigurationProvider
    {
        public bool TryGet(string key, out string? value)
        {
            value = configuration[key];
            return value is not null;
        }

        public void Set(string key, string? value)
        {
            // Read-only view.
        }

        public IChangeToken GetReloadToken() => new CancellationChangeToken(CancellationToken.None);

        public void Load()
        {
            // Nothing to load.
        }

        public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
        {
            var section = parentPath is null ? configuration : configuration.GetSection(parentPath);
            return section.GetChildren().Select(c => c.Key).Concat(earlierKeys).OrderBy(k => k, ConfigurationKeyComparer.Instance);
        }
    }
}
