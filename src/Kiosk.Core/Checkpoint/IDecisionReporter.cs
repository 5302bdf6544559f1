namespace Kiosk.Core.Checkpoint;

/// <summary>Turns decisions into what leaves the kiosk (events, counters). Implemented by the event recorder.</summary>
public interface IDecisionReporter
{
    void Report(DecisionRecord record);
}
