using Kiosk.Core.Checkpoint;

namespace Kiosk.Core.Events;

/// <summary>Counters by outcome and reason and recent latencies, for telemetry.</summary>
public sealed class DecisionCounters
{
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _byOutcome = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _byReason = new(StringComparer.Ordinal);
    private readonly Queue<double> _latencies = new();

    public void Count(DecisionRecord record)
    {
        lock (_gate)
        {
            Increment(_byOutcome, PolicyNames.Of(record.Decision.Outcome));
            Increment(_byReason, PolicyNames.Of(record.Decision.Reason));
            _latencies.Enqueue(record.Latency.TotalMilliseconds);
            if (_latencies.Count > 1000)
            {
                _latencies.Dequeue();
            }
        }
    }

    public (IReadOnlyDictionary<string, long> ByOutcome, IReadOnlyDictionary<string, long> ByReason, double[] RecentLatenciesMs) Snapshot()
    {
        lock (_gate)
        {
            return (new Dictionary<string, long>(_byOutcome), new Dictionary<string, long>(_byReason), _latencies.ToArray());
        }
    }

    private static void Increment(Dictionary<string, long> map, string key) => map[key] = map.GetValueOrDefault(key) + 1;
}
