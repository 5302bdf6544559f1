using Kiosk.Core.Checkpoint;
using Microsoft.Extensions.Logging;

namespace Kiosk.Core.Events;

/// <summary>Keeps the active alerts and turns every change into an <see cref="AlertEvent"/>.</summary>
public sealed partial class AlertCenter : IAlerts
{
    private readonly object _gate = new();
    private readonly Dictionary<string, string> _active = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly IEventSequence _sequence;
    private readonly IEnumerable<IEventSink> _sinks;
    private readonly ILogger<AlertCenter> _logger;

    public AlertCenter(TimeProvider time, IEventSequence sequence, IEnumerable<IEventSink> sinks, ILogger<AlertCenter> logger)
    {
        _time = time;
        _sequence = sequence;
        _sinks = sinks;
        _logger = logger;
    }

    /// <summary>Raised when the set of active alerts changes (status topic, screen).</summary>
    public event Action? Changed;

    public IReadOnlyCollection<string> Active
    {
        get
        {
            lock (_gate)
            {
                return _active.Keys.Order(StringComparer.Ordinal).ToArray();
            }
        }
    }

    public bool IsActive(string kind)
    {
        lock (_gate)
        {
            return _active.ContainsKey(kind);
        }
    }

    public void Raise(string kind, string detail)
    {
        lock (_gate)
        {
            if (_active.TryGetValue(kind, out var existing) && existing == detail)
            {
                return;
            }

            var wasActive = _active.ContainsKey(kind);
            _active[kind] = detail;
            if (wasActive)
            {
                return;
            }
        }

        LogRaised(_logger, kind, detail);
        Emit(kind, detail, active: true);
        Changed?.Invoke();
    }

    public void Clear(string kind, string detail = "recovered")
    {
        lock (_gate)
        {
            if (!_active.Remove(kind))
            {
                return;
            }
        }

        LogCleared(_logger, kind, detail);
        Emit(kind, detail, active: false);
        Changed?.Invoke();
    }

    public void Notify(string kind, string detail)
    {
        LogNotified(_logger, kind, detail);
        Emit(kind, detail, active: true);
    }

    private void Emit(string kind, string detail, bool active)
    {
        var now = _time.GetUtcNow();
        var alert = new AlertEvent
        {
            EventId = Guid.CreateVersion7(now),
            Seq = _sequence.Next(),
            At = now,
            Kind = kind,
            Detail = detail,
            Active = active,
        };
        foreach (var sink in _sinks)
        {
            sink.Publish(alert);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Alert raised: {Kind} ({Detail})")]
    private static partial void LogRaised(ILogger logger, string kind, string detail);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Alert cleared: {Kind} ({Detail})")]
    private static partial void LogCleared(ILogger logger, string kind, string detail);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Alert: {Kind} ({Detail})")]
    private static partial void LogNotified(ILogger logger, string kind, string detail);
}
