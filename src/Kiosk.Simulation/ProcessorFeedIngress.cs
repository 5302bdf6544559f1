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

    public string ApplyManifest(byte[] manifest, IReadOnlyList<byte[]> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var outcome = processor.Process(manifest);

        // Each part at most twice (a part found damaged at the switch is asked for again).
        for (var served = 0; served <= 2 * parts.Count && outcome.Kind != FeedOutcomeKind.Rejected && processor.PartsWanted(1) is { Parts: [var index] } wanted; served++)
        {
            outcome = index < parts.Count
                ? processor.ProcessPart(wanted.Seq, index, parts[index])
                : processor.AbandonFetch(wanted.Seq, $"part {index} is not in the scenario's folder");
        }

        processor.CheckHealth();
        return outcome.ToString();
    }
}
