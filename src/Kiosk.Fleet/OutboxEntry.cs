
namespace Kiosk.Fleet;

/// <summary>One stored event: the row id (send order), its topic, its id and the exact JSON to publish.</summary>
public sealed record OutboxEntry(long Id, OutboxTopic Topic, Guid EventId, byte[] Payload);
