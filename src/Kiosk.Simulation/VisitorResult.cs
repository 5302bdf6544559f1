using Kiosk.Core.Checkpoint;
using Kiosk.Drivers.Audio;

namespace Kiosk.Simulation;

/// <summary>What happened to one visitor.</summary>
/// <param name="Index">Position in the scenario.</param>
/// <param name="Visitor">The visitor.</param>
/// <param name="Record">The decision, or null for a visitor with neither code nor card.</param>
/// <param name="SteppedUpAt">When the visitor stepped up.</param>
public sealed record VisitorResult(int Index, ScenarioVisitor Visitor, DecisionRecord? Record, DateTimeOffset SteppedUpAt)
{
    /// <summary>The clips spoken from this visitor's step-up to the next one's (the first visitor also has the kiosk's first idle prompt).</summary>
    public IReadOnlyList<PlayedClip> Prompts { get; init; } = [];
}
