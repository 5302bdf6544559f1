using Kiosk.Core.Checkpoint;
using Kiosk.Service.Cli;
using Kiosk.Service.Hosting;
using Kiosk.Simulation;
using Kiosk.Simulation.Demo;
using Microsoft.Extensions.Logging;

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
    public async Task EveryReasonOfThePolicyIsDecidedAsDemandedAndTheGateOpensOncePerPass()
    {
        var (path, visitors) = DemoWorld.Create(Path.Combine(_dir, "scenario"));
        var scenario = Scenario.Load(path);
        var events = Path.Combine(_dir, "events.jsonl");

        var logs = new CapturingLoggerProvider();
        var results = await SimulationRunner.PlayScenarioAsync(scenario, new RunOptions(null, true, path, events, null, null), fleet: false, b => b.AddProvider(logs), CancellationToken.None);
        Assert.DoesNotContain(logs.Entries, e => e.EventId == 312); // nothing reached the virtual-time loop from another thread

        Assert.Equal(visitors.Count, results.Count);
        var table = new StringWriter();
        ResultTable.Write(table, results, visitors.Select(v => v.Story).ToList());
        for (var i = 0; i < results.Count; i++)
        {
            var actual = results[i].Record is { } record ? PolicyNames.Of(record.Decision.Reason) : "-";
            Assert.True(visitors[i].Expected == actual, $"visitor {i} ({visitors[i].Story}): expected {visitors[i].Expected}, got {actual}\n{table}");
        }

        var reasons = results.Where(r => r.Record is not null).Select(r => r.Record!.Decision.Reason).ToHashSet();
        Assert.Equal(PolicyNames.AllReasons.ToHashSet(), reasons);
        var lines = File.ReadAllLines(events);
        Assert.True(results.Count(r => r.Record is not null) == lines.Length, $"one event per decision; the events file has {lines.Length}:\n{string.Join("\n", lines)}\n{table}");
    }
}
