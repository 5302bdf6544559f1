using Kiosk.Core.Checkpoint;

namespace Kiosk.Core.Events;

/// <summary>
/// Counters by outcome and reason since start, the same over the last hour (minute buckets on the kiosk's clock, by
/// each decision's time), the seq of the last decision counted, and recent latencies, for telemetry.
/// </summary>
public sealed class DecisionCounters
{
    /// <summary>The sliding window of <see cref="LastHour"/>.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly object _gate = new();
    private readonly Dictionary<string, long> _byOutcome = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _byReason = new(StringComparer.Ordinal);
    private readonly Queue<double> _latencies = new();

    // Minute (Unix minutes of the decision time) → refer reason (or "pass") → count, the last hour only.
    private readonly SortedDictionary<long, Dictionary<string, long>> _minutes = [];
    private readonly TimeProvider _time;
    private long? _firstSeq;
    private long? _lastSeq;

    /// <summary>Creates the counters.</summary>
    /// <param name="time">The kiosk's clock, the one its decisions are timed with (virtual in a scenario); null = the system clock.</param>
    public DecisionCounters(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Counts one decision; <paramref name="seq"/> is its event's seq when it has one.</summary>
    public void Count(DecisionRecord record, long? seq = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var outcome = PolicyNames.Of(record.Decision.Outcome);
        var reason = PolicyNames.Of(record.Decision.Reason);
        lock (_gate)
        {
            Increment(_byOutcome, outcome);
            Increment(_byReason, reason);
            _latencies.Enqueue(record.Latency.TotalMilliseconds);
            if (_latencies.Count > 1000)
            {
                _latencies.Dequeue();
            }

            var minute = Minute(record.DecidedAt);
            if (!_minutes.TryGetValue(minute, out var bucket))
            {
                _minutes[minute] = bucket = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            Increment(bucket, record.Decision.Outcome == Outcome.Pass ? "pass" : reason);
            if (seq is { } s)
            {
                _firstSeq = _firstSeq is { } first && first <= s ? first : s;
                _lastSeq = _lastSeq is { } last && last >= s ? last : s;
            }

            Prune(Minute(_time.GetUtcNow()));
        }
    }

    public (IReadOnlyDictionary<string, long> ByOutcome, IReadOnlyDictionary<string, long> ByReason, double[] RecentLatenciesMs) Snapshot()
    {
        lock (_gate)
        {
            return (new Dictionary<string, long>(_byOutcome), new Dictionary<string, long>(_byReason), _latencies.ToArray());
        }
    }

    /// <summary>
    /// Passes and refers (refers by reason) decided in the last hour, now on the kiosk's clock (the minute now and the
    /// 59 before it), and the seqs of the first and last decision counted since start (null before the first): a
    /// decision event with a seq between them is in these counts if it is in the hour; any other is not.
    /// </summary>
    public HourCounts LastHour()
    {
        lock (_gate)
        {
            Prune(Minute(_time.GetUtcNow()));
            long pass = 0;
            var byReason = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var bucket in _minutes.Values)
            {
                foreach (var (key, count) in bucket)
                {
                    if (key == "pass")
                    {
                        pass += count;
                    }
                    else
                    {
                        byReason[key] = byReason.GetValueOrDefault(key) + count;
                    }
                }
            }

            return new HourCounts(pass, byReason.Values.Sum(), byReason, _firstSeq, _lastSeq);
        }
    }

    // Keeps the minute now and the 59 before it; a decision timed ahead of the clock stays until it is in the past hour.
    private void Prune(long nowMinute)
    {
        while (_minutes.Count > 0 && _minutes.First() is var (minute, _) && minute <= nowMinute - (long)Window.TotalMinutes)
        {
            _minutes.Remove(minute);
        }
    }

    private static long Minute(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    private static void Increment(Dictionary<string, long> map, string key) => map[key] = map.GetValueOrDefault(key) + 1;
}
