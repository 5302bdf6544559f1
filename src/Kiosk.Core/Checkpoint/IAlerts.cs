namespace Kiosk.Core.Checkpoint;

/// <summary>Where components report faults. Raising an active alert again only updates its detail; events go out on change.</summary>
/// <remarks>A <c>detail</c> is technical text for a technician: never QR text, names, ids or colors.</remarks>
public interface IAlerts
{
    /// <summary>Raises (or keeps raised) a condition such as <c>thermometer_fault</c>.</summary>
    void Raise(string kind, string detail);

    /// <summary>Clears a condition; no-op when not active.</summary>
    void Clear(string kind, string detail = "recovered");

    /// <summary>A one-off alert with no lasting state (e.g. <c>assist_requested</c>, <c>feed_message_rejected</c>).</summary>
    void Notify(string kind, string detail);

    /// <summary>Kinds now active, for <c>status.problems</c>.</summary>
    IReadOnlyCollection<string> Active { get; }
}
