
namespace Kiosk.Fleet;

/// <summary>Which topic an outbox entry goes to.</summary>
public enum OutboxTopic
{
    /// <summary><c>event/decision</c>.</summary>
    Decision = 0,

    /// <summary><c>event/alert</c>.</summary>
    Alert = 1,
}
