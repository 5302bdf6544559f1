using Kiosk.Core.Events;

namespace Kiosk.Service.Tests.Screen;

/// <summary>Collects the events an <see cref="AlertCenter"/> emits.</summary>
internal sealed class RecordingEventSink : IEventSink
{
    private readonly List<KioskEvent> _events = [];

    public IReadOnlyList<AlertEvent> Alerts
    {
        get
        {
            lock (_events)
            {
                return _events.OfType<AlertEvent>().ToArray();
            }
        }
    }

    public IReadOnlyList<DecisionEvent> Decisions
    {
        get
        {
            lock (_events)
            {
                return _events.OfType<DecisionEvent>().ToArray();
            }
        }
    }

    public void Publish(KioskEvent kioskEvent)
    {
        lock (_events)
        {
            _events.Add(kioskEvent);
        }
    }
}
