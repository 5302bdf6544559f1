using Kiosk.Service.Checkpoint;
using Kiosk.Service.Cli;
using Kiosk.Service.Demo;
using Kiosk.Service.Simulation;

namespace Kiosk.Service.Tests.Simulation;

/// <summary>
/// A scenario written from cli.md (the demo's: fresh keys of two regions, a rogue key, a stale snapshot, a
/// heartbeat, a batch from a clock ahead of the kiosk's) plays on the simulated kiosk and every reason of
/// checkpoint-policy.md comes out where the policy demands it.
/// </summary>
public sealed class DemoScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("demo-scenario-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task EveryReasonOfThePolicy_IsDecidedAsDemanded_AndTheGateOpensOncePerPass()
    {
        var (path, visitors) = DemoWorld.Create(Path.Combine(_dir, "scenario"));
        var scenario = Scenario.Load(path);
        var events = Path.Combine(_dir, "events.jsonl");

        var results = await SimulationRunner.PlayScenarioAsync(scenario, new RunOptions(null, true, path, events, null, null), fleet: false, CancellationToken.None);

        Assert.Equal(visitors.Count, results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            var actual = results[i].Record is { } record ? PolicyNames.Of(record.Decision.Reason) : "-";
            Assert.True(visitors[i].Expected == actual, $"visitor {i} ({visitors[i].Story}): expected {visitors[i].Expected}, got {actual}");
        }

        var reasons = results.Where(r => r.Record is not null).Select(r => r.Record!.Decision.Reason).ToHashSet();
        Assert.Equal(PolicyNames.AllReasons.ToHashSet(), reasons);
        Assert.Equal(results.Count(r => r.Record is not null), File.ReadAllLines(events).Length);
    }
}
