using System.Globalization;
using Kiosk.Core.Checkpoint;
using Kiosk.Service.Cli;
using Kiosk.Simulation;

namespace Kiosk.Service.Hosting;

/// <summary>
/// The aiming help measured in simulation (issue 21): a scenario's code visitors all start too far from the camera
/// (<see cref="ScenarioVisitor.StartsFar"/>: the code seen, not readable) and are played by the whole composition on
/// simulated devices in virtual time, with the aiming help on (<c>Checkpoint:AimingHelpAfter</c> 1 s) or off (0).
/// Without it a visitor comes closer on their own (<see cref="SimulatedWorld.OwnPacePerSecond"/>); with it, when the
/// screen asks (<see cref="SimulatedWorld.ReactionTime"/>). What counts is the camera frames from the visitor's step-up
/// to the frame their code was read.
/// </summary>
internal static class AimingTrial
{
    /// <summary>One far visitor: frames until the code was read, and whether the aiming help was said meanwhile.</summary>
    /// <param name="FramesToRead">Camera frames from step-up to the frame read.</param>
    /// <param name="Helped">The aiming prompt was spoken to this visitor.</param>
    /// <param name="Outcome">The decision, to check that help changes when a code is read, not what is decided.</param>
    public readonly record struct FarVisitor(double FramesToRead, bool Helped, Outcome Outcome);

    /// <summary>Plays <paramref name="scenario"/> with its code visitors starting far, aiming help on or off, at <paramref name="framesPerSecond"/>.</summary>
    public static async Task<IReadOnlyList<FarVisitor>> RunAsync(Scenario scenario, bool help, int framesPerSecond, string workDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var far = scenario with { Visitors = scenario.Visitors.Select(v => v.Qr is not null ? v with { StartsFar = true } : v).ToList() };
        var config = Path.Combine(workDirectory, help ? "aiming-on.json" : "aiming-off.json");
        var after = help ? "00:00:01" : "00:00:00";
        await File.WriteAllTextAsync(
            config,
            string.Create(CultureInfo.InvariantCulture, $$"""{ "Camera": { "FramesPerSecond": {{framesPerSecond}} }, "Checkpoint": { "AimingHelpAfter": "{{after}}" } }"""),
            cancellationToken);
        var results = await SimulationRunner.PlayScenarioAsync(far, new RunOptions(config, true, null, null, null, null), fleet: false, cancellationToken);
        return results
            .Where(r => r.Visitor.StartsFar && r.Record is not null)
            .Select(r => new FarVisitor(
                Math.Round((r.Record!.SeenAt - r.SteppedUpAt).TotalSeconds * framesPerSecond) + 1,
                r.Prompts.Any(p => p.Name.StartsWith(PromptTable.Aiming.Name + ".", StringComparison.Ordinal)),
                r.Record.Decision.Outcome))
            .ToList();
    }
}
