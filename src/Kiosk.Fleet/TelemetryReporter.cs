using System.Diagnostics;
using System.Globalization;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Core.Inputs;
using Kiosk.Mqtt;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Fleet;

/// <summary>
/// The <c>telemetry</c> topic (QoS 0, not retained) every <see cref="FleetOptions.TelemetryInterval"/>: uptime,
/// decision counters by outcome and reason (since start, and over the last hour with the seqs they cover), outbox
/// depth, CPU temperature, memory, ambient temperature and scan/decision latency percentiles. Skipped while
/// disconnected (telemetry is a sample, not a record).
/// </summary>
public sealed partial class TelemetryReporter
{
    /// <summary>Where Linux exposes the SoC temperature (millidegrees).</summary>
    public const string DefaultThermalZone = "/sys/class/thermal/thermal_zone0/temp";

    private readonly FleetConnection _connection;
    private readonly FleetIdentity _identity;
    private readonly DecisionCounters _counters;
    private readonly SqliteOutbox _outbox;
    private readonly FleetOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TelemetryReporter> _logger;
    private readonly IAmbientTemperatureSource? _ambient;
    private readonly IScanLatencySource? _scan;
    private readonly string _thermalZone;
    private readonly DailyOutcomes? _today;
    private readonly IColorStore? _colors;

    /// <summary>Creates the reporter.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="identity">Uptime.</param>
    /// <param name="counters">Decision counters and latencies.</param>
    /// <param name="outbox">Outbox depth.</param>
    /// <param name="options">Interval.</param>
    /// <param name="time">Clock.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="ambient">Ambient temperature; null = <c>ambientC</c> null.</param>
    /// <param name="scan">Scan latencies; null = <c>scan</c> percentiles null.</param>
    /// <param name="thermalZonePath">CPU temperature file; null = <see cref="DefaultThermalZone"/>.</param>
    /// <param name="today">Passes and refers since local midnight; null = <c>today</c> null.</param>
    /// <param name="colors">Color data state, for <c>colorDataAgeS</c>; null = null.</param>
    public TelemetryReporter(FleetConnection connection, FleetIdentity identity, DecisionCounters counters, SqliteOutbox outbox, IOptions<FleetOptions> options, TimeProvider time, ILogger<TelemetryReporter> logger, IAmbientTemperatureSource? ambient = null, IScanLatencySource? scan = null, string? thermalZonePath = null, DailyOutcomes? today = null, IColorStore? colors = null)
    {
        _connection = connection;
        _identity = identity;
        _counters = counters;
        _outbox = outbox;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _ambient = ambient;
        _scan = scan;
        _thermalZone = thermalZonePath ?? DefaultThermalZone;
        _today = today;
        _colors = colors;
    }

    private long _published;

    /// <summary>
    /// Raised after each interval's telemetry (published or skipped while disconnected): the fleet service republishes
    /// the retained status with it, so a live kiosk's status is at most one interval old (mqtt.md).
    /// </summary>
    public event Action? Ticked;

    /// <summary>Telemetry messages published since start.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>The telemetry payload now.</summary>
    public byte[] Build()
    {
        var (byOutcome, byReason, latencies) = _counters.Snapshot();
        var lastHour = _counters.LastHour();
        var scan = _scan?.RecentScanLatenciesMs();
        var today = _today?.Current();
        var now = _time.GetUtcNow();
        double? colorDataAge = _colors?.State.InSyncAsOf is { } inSync ? Math.Max(0, Math.Round((now - inSync).TotalSeconds, 0)) : null;
        double memoryMb;
        using (var process = Process.GetCurrentProcess())
        {
            memoryMb = Math.Round(process.WorkingSet64 / (1024.0 * 1024.0), 1);
        }

        return FleetJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("at", FleetJson.Timestamp(now));
            w.WriteNumber("uptimeS", Math.Round(_identity.Uptime.TotalSeconds, 0));
            w.WriteStartObject("counters");
            WriteMap(w, "outcome", byOutcome);
            WriteMap(w, "reason", byReason);
            w.WriteEndObject();
            w.WriteStartObject("lastHour");
            w.WriteNumber("pass", lastHour.Pass);
            w.WriteNumber("refer", lastHour.Refer);
            WriteMap(w, "byReason", lastHour.ReferByReason);
            Seq(w, "firstSeq", lastHour.FirstSeq);
            Seq(w, "lastSeq", lastHour.LastSeq);
            w.WriteEndObject();
            if (today is { } t)
            {
                w.WriteStartObject("today");
                w.WriteString("date", t.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteNumber("pass", t.Pass);
                w.WriteNumber("refer", t.Refer);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("today");
            }

            FleetJson.Number(w, "colorDataAgeS", colorDataAge);
            w.WriteNumber("outboxDepth", _outbox.Depth);
            w.WriteNumber("outboxDropped", _outbox.DroppedTotal);
            FleetJson.Number(w, "cpuTempC", ReadCpuTemperature());
            w.WriteNumber("memMB", memoryMb);
            FleetJson.Number(w, "ambientC", _ambient?.AmbientC is { } a ? Math.Round(a, 1) : null);
            w.WriteStartObject("latencyMs");
            WritePercentiles(w, "scan", scan);
            WritePercentiles(w, "decision", latencies);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>Publishes telemetry every interval while connected, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.TelemetryInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await PublishOnceAsync(cancellationToken);
                Ticked?.Invoke();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Publishes one telemetry message now when connected (QoS 0).</summary>
    public async Task PublishOnceAsync(CancellationToken cancellationToken)
    {
        if (!_connection.IsConnected)
        {
            return;
        }

        try
        {
            var session = await _connection.WaitForSessionAsync(cancellationToken);
            var message = _connection.CreateMessage(_connection.Topics.Telemetry, Build(), MqttQualityOfServiceLevel.AtMostOnce, retain: false, session.IsMqtt5);
            await _connection.PublishAsync(message, cancellationToken);
            Interlocked.Increment(ref _published);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            LogFailed(_logger, ex.GetType().Name);
        }
    }

    private double? ReadCpuTemperature()
    {
        try
        {
            if (!File.Exists(_thermalZone))
            {
                return null;
            }

            // sysfs reports a page for every attribute; the value is a few digits.
            var text = System.Text.Encoding.ASCII.GetString(BoundedFile.ReadAllBytes(_thermalZone, 4096)).Trim();
            return double.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var milli) ? Math.Round(milli / 1000.0, 1) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void WriteMap(System.Text.Json.Utf8JsonWriter w, string name, IReadOnlyDictionary<string, long> map)
    {
        w.WriteStartObject(name);
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteNumber(key, value);
        }

        w.WriteEndObject();
    }

    private static void Seq(System.Text.Json.Utf8JsonWriter w, string name, long? seq)
    {
        if (seq is { } value)
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WritePercentiles(System.Text.Json.Utf8JsonWriter w, string name, IReadOnlyList<double>? samples)
    {
        if (samples is null || samples.Count == 0)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        FleetJson.Number(w, "p50", FleetJson.Percentile(samples, 50));
        FleetJson.Number(w, "p95", FleetJson.Percentile(samples, 95));
        w.WriteNumber("n", samples.Count);
        w.WriteEndObject();
    }

    [LoggerMessage(EventId = 740, Level = LogLevel.Debug, Message = "Fleet: telemetry not published ({Error})")]
    private static partial void LogFailed(ILogger logger, string error);
}
