using Kiosk.Core.Checkpoint;
using Kiosk.Service.Hosting;
using Kiosk.Simulation;
using Xunit.Abstractions;

namespace Kiosk.Service.Tests.Simulation;

/// <summary>
/// The aiming help in the whole composition (issue 21): the sample scenario's code visitors all start too far from the
/// simulated camera; played in virtual time with the help on and off, frames counted, not time.
/// </summary>
public sealed class AimingHelpScenarioTests(ITestOutputHelper output)
{
    [Fact]
    public async Task VisitorsWhoStartTooFarAreAskedToComeCloserAndAreReadInFewerFramesDecidedAlike()
    {
        var scenario = Scenario.Load(Path.Combine(SampleScenario.Directory, "scenario.json"));
        var work = Directory.CreateTempSubdirectory("aiming-").FullName;
        try
        {
            var helped = await AimingTrial.RunAsync(scenario, help: true, framesPerSecond: 30, work, CancellationToken.None);
            var alone = await AimingTrial.RunAsync(scenario, help: false, framesPerSecond: 30, work, CancellationToken.None);
            output.WriteLine($"frames to read, {helped.Count} far visitors: with help {string.Join(' ', helped.Select(v => v.FramesToRead))}; without {string.Join(' ', alone.Select(v => v.FramesToRead))}");

            Assert.NotEmpty(helped);
            Assert.Equal(alone.Select(v => v.Outcome), helped.Select(v => v.Outcome));
            Assert.DoesNotContain(alone, v => v.Helped);

            // Asked after a second of an unreadable code, a visitor comes closer within the reaction time; alone, at
            // their own pace. Those who came closer on their own within the second were not asked, and gained nothing.
            Assert.Contains(helped, v => v.Helped);
            Assert.All(helped.Where(v => v.Helped), v => Assert.InRange(v.FramesToRead, 30, 30 * (1 + SimulatedWorld.ReactionTime.TotalSeconds + 1.5)));
            Assert.True(helped.Sum(v => v.FramesToRead) < alone.Sum(v => v.FramesToRead), "the aiming help shortens the wait of a visitor who starts too far");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
