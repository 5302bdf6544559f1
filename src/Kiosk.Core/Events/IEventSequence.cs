namespace Kiosk.Core.Events;

/// <summary>Hands out the per-kiosk event <c>seq</c> and UUID v7 ids.</summary>
public interface IEventSequence
{
    long Next();
}
