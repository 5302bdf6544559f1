using Kiosk.Colors;

namespace Kiosk.Simulation;

/// <summary>Scenario feed messages through the production feed processor.</summary>
public sealed class ProcessorFeedIngress(ColorFeedProcessor processor) : IFeedIngress
{
    public string Apply(byte[] message)
    {
        var outcome = processor.Process(message);
        processor.CheckHealth();
        return outcome.ToString();
    }
}
