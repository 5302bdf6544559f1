using System.Collections.Concurrent;
using Kiosk.Core.Checkpoint;

namespace Kiosk.Colors;

/// <summary>
/// An <see cref="IAlerts"/> that keeps alerts in memory: for the command line (no fleet link) and tests.
/// Keeps the active set and a bounded history of raised, cleared and notified alerts.
/// </summary>
public sealed class InMemoryAlerts : IAlerts
{
    private const int MaxHistory = 1000;
    private readonly ConcurrentDictionary<string, string> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<AlertRecord> _history = new();

    /// <inheritdoc />
    public IReadOnlyCollection<string> Active => _active.Keys.ToArray();

    /// <summary>Every alert event so far (oldest first, at most the last 1000).</summary>
    public IReadOnlyList<AlertRecord> History => _history.ToArray();

    /// <summary>The detail of an active alert, or null.</summary>
    public string? DetailOf(string kind) => _active.TryGetValue(kind, out var detail) ? detail : null;

    /// <inheritdoc />
    public void Raise(string kind, string detail)
    {
        var changed = !_active.ContainsKey(kind);
        _active[kind] = detail;
        if (changed)
        {
            Add(new AlertRecord(kind, detail, AlertChange.Raised));
        }
    }

    /// <inheritdoc />
    public void Clear(string kind, string detail = "recovered")
    {
        if (_active.TryRemove(kind, out _))
        {
            Add(new AlertRecord(kind, detail, AlertChange.Cleared));
        }
    }

    /// <inheritdoc />
    public void Notify(string kind, string detail) => Add(new AlertRecord(kind, detail, AlertChange.Notified));

    private void Add(AlertRecord record)
    {
        _history.Enqueue(record);
        while (_history.Count > MaxHistory && _history.TryDequeue(out _))
        {
        }
    }
}
