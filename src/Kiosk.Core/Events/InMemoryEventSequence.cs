namespace Kiosk.Core.Events;

/// <summary>In memory, from 1: simulations and the demo.</summary>
public sealed class InMemoryEventSequence : IEventSequence
{
    private long _last;

    public long Next() => Interlocked.Increment(ref _last);
}
