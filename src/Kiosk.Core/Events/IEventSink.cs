namespace Kiosk.Core.Events;

/// <summary>Where events go: the fleet outbox, an events file, the log.</summary>
public interface IEventSink
{
    /// <summary>Takes the event; must not block the checkpoint on the network.</summary>
    void Publish(KioskEvent kioskEvent);
}
