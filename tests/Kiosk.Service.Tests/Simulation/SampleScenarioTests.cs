using System.Text.Json;
using Kiosk.Core.Checkpoint;
using Kiosk.Service.Cli;
using Kiosk.Service.Hosting;
using Kiosk.Service.Tests.Infrastructure;
using Kiosk.Simulation;
using Microsoft.Extensions.Logging;

namespace Kiosk.Service.Tests.Simulation;

/// <summary>The shared sample scenario, played by the production composition on simulated devices, decides as expected.json says.</summary>
public sealed class SampleScenarioTests
{
    [Fact]
    public async Task SampleScenarioMatchesExpectedOutcomesAndWritesOneEventPerDecision()
    {
        var scenario = Scenario.Load(Path.Combine(SampleScenario.Directory, "scenario.json"));
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(SampleScenario.Directory, "expected.json"))).RootElement
            .EnumerateArray().Select(e => (e.GetProperty("outcome").GetString()!, e.GetProperty("reason").GetString()!)).ToList();
        var output = Directory.CreateTempSubdirectory("sample-run-").FullName;
        try
        {
            var events = Path.Combine(output, "events.jsonl");
            var screens = Path.Combine(output, "screens");
            var logs = new CapturingLoggerProvider();
            var results = await SimulationRunner.PlayScenarioAsync(scenario, new RunOptions(null, true, null, events, screens, null), fleet: false, b => b.AddProvider(logs), CancellationToken.None);
            Assert.DoesNotContain(logs.Entries, e => e.EventId == 312); // nothing reached the virtual-time loop from another thread

            var decided = results.Where(r => r.Record is not null).Select(r => (PolicyNames.Of(r.Record!.Decision.Outcome), PolicyNames.Of(r.Record.Decision.Reason))).ToList();
            Assert.Equal(expected, decided);

            var lines = File.ReadAllLines(events);
            Assert.Equal(expected.Count, lines.Length);
            var lastSeq = 0L;
            for (var i = 0; i < lines.Length; i++)
            {
                using var line = JsonDocument.Parse(lines[i]);
                Assert.Equal(expected[i].Item1, line.RootElement.GetProperty("outcome").GetString());
                Assert.Equal(expected[i].Item2, line.RootElement.GetProperty("reason").GetString());
                var seq = line.RootElement.GetProperty("seq").GetInt64();
                Assert.True(seq > lastSeq, "seq increases with every event");
                lastSeq = seq;
            }

            Assert.NotEmpty(Directory.GetFiles(screens, "*.png"));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
