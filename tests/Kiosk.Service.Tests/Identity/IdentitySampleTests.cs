using System.Text.Json;
using Kiosk.Core.Checkpoint;
using Kiosk.Service.Cli;
using Kiosk.Service.Hosting;
using Kiosk.Simulation;
using Microsoft.Extensions.Logging;

namespace Kiosk.Service.Tests.Identity;

/// <summary>
/// The shared identity sample (made from identity.md by another hand): both scenarios play on the production
/// composition with the emulated SAM reader and decide exactly as their expected.json says, one event per visitor,
/// each with its <c>via</c>.
/// </summary>
public sealed class IdentitySampleTests
{
    public static TheoryData<string> Modes => new(IdentitySample.Modes);

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task IdentitySampleMatchesExpectedJsonOneEventPerVisitorWithVia(string mode)
    {
        var directory = IdentitySample.Directory(mode);
        var scenario = Scenario.Load(Path.Combine(directory, "scenario.json"));
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "expected.json"))).RootElement
            .EnumerateArray().Select(e => (e.GetProperty("outcome").GetString()!, e.GetProperty("reason").GetString()!)).ToList();
        var output = Directory.CreateTempSubdirectory("identity-sample-").FullName;
        try
        {
            var events = Path.Combine(output, "events.jsonl");
            var logs = new CapturingLoggerProvider();
            var results = await SimulationRunner.PlayScenarioAsync(scenario, new RunOptions(null, true, null, events, Path.Combine(output, "screens"), null), fleet: false, b => b.AddProvider(logs), CancellationToken.None);
            Assert.DoesNotContain(logs.Entries, e => e.EventId == 312); // nothing reached the virtual-time loop from another thread

            var decided = results.Select(r => r.Record is { } record ? (PolicyNames.Of(record.Decision.Outcome), PolicyNames.Of(record.Decision.Reason)) : ("-", "-")).ToList();
            Assert.Equal(expected, decided);

            var lines = File.ReadAllLines(events);
            Assert.Equal(scenario.Visitors.Count, lines.Length);
            for (var i = 0; i < lines.Length; i++)
            {
                using var line = JsonDocument.Parse(lines[i]);
                var root = line.RootElement;
                Assert.Equal(expected[i].Item1, root.GetProperty("outcome").GetString());
                Assert.Equal(expected[i].Item2, root.GetProperty("reason").GetString());
                var via = scenario.Visitors[i].ShowsCode ? "code" : "card";
                Assert.Equal(via, root.GetProperty("via").GetString());
                if (via == "card")
                {
                    Assert.Equal(JsonValueKind.Null, root.GetProperty("issuer").ValueKind);
                }
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
