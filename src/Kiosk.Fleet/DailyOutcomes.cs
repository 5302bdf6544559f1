using System.Globalization;
using System.Text.Json;
using Kiosk.Core.Events;
using Kiosk.Core.Inputs;
using Kiosk.Mqtt;

namespace Kiosk.Fleet;

/// <summary>
/// Passes and refers since local midnight (the kiosk's time zone), for telemetry's <c>today</c> and Home Assistant's
/// "passes today" / "refers today". Taken from <see cref="DecisionCounters"/>' totals: the day starts at the first
/// look after midnight (telemetry looks every <c>Fleet:TelemetryInterval</c>, so a decision in the last interval
/// before midnight may count for the new day). The day's counts survive a restart through a small file in the data
/// directory, written on each look.
/// </summary>
public sealed class DailyOutcomes
{
    /// <summary>The file name in the data directory.</summary>
    public const string FileName = "fleet-today.json";

    /// <summary>The file holds a date and two counts: a few dozen bytes.</summary>
    private const long MaxFileBytes = 64 * 1024;

    private readonly DecisionCounters _counters;
    private readonly TimeProvider _time;
    private readonly string? _path;
    private readonly object _gate = new();
    private DateOnly _date;
    private (long Pass, long Refer) _carried;
    private (long Pass, long Refer) _baseline;
    private (long Pass, long Refer) _saved = (-1, -1);

    /// <summary>Creates the counter; <paramref name="dataDirectory"/> null = not kept across restarts.</summary>
    public DailyOutcomes(DecisionCounters counters, TimeProvider time, string? dataDirectory)
    {
        _counters = counters;
        _time = time;
        _path = dataDirectory is null ? null : Path.Combine(dataDirectory, FileName);
        _date = Today();
        _baseline = Totals();
        if (Load() is { } stored && stored.Date == _date)
        {
            _carried = (stored.Pass, stored.Refer);
        }
    }

    /// <summary>The local date and its passes and refers so far.</summary>
    public (DateOnly Date, long Pass, long Refer) Current()
    {
        lock (_gate)
        {
            var today = Today();
            var totals = Totals();
            if (today != _date)
            {
                _date = today;
                _carried = (0, 0);
                _baseline = totals;
            }

            var counts = (_carried.Pass + totals.Pass - _baseline.Pass, _carried.Refer + totals.Refer - _baseline.Refer);
            if (counts != _saved)
            {
                Save(_date, counts);
                _saved = counts;
            }

            return (_date, counts.Item1, counts.Item2);
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _time.LocalTimeZone).DateTime);

    private (long Pass, long Refer) Totals()
    {
        var byOutcome = _counters.Snapshot().ByOutcome;
        return (byOutcome.GetValueOrDefault("pass"), byOutcome.GetValueOrDefault("refer"));
    }

    private (DateOnly Date, long Pass, long Refer)? Load()
    {
        if (_path is null || !File.Exists(_path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(BoundedFile.ReadAllBytes(_path, MaxFileBytes));
            var root = document.RootElement;
            return (DateOnly.ParseExact(root.GetProperty("date").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture), root.GetProperty("pass").GetInt64(), root.GetProperty("refer").GetInt64());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or FormatException or KeyNotFoundException or InvalidOperationException or ArgumentNullException)
        {
            return null; // a damaged file only loses the day's count so far
        }
    }

    private void Save(DateOnly date, (long Pass, long Refer) counts)
    {
        if (_path is null)
        {
            return;
        }

        try
        {
            var temporary = _path + ".tmp";
            File.WriteAllBytes(temporary, FleetJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteNumber("pass", counts.Pass);
                w.WriteNumber("refer", counts.Refer);
                w.WriteEndObject();
            }));
            File.Move(temporary, _path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Telemetry goes on; only a restart would lose the day's count.
        }
    }
}
