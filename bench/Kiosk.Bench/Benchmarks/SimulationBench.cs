using System.Diagnostics;
using Kiosk.Service.Cli;
using Kiosk.Service.Hosting;
using Kiosk.Simulation;
using Kiosk.Simulation.Demo;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// Scenario playback speed: visitors of a day's traffic (<see cref="DayScenario"/>, at the day's density, every reason of
/// the policy) played in virtual time by the whole composition on simulated devices, per wall-clock second. Baseline,
/// same run: the path before frames were drawn only when the scene changed (<c>Camera:SimulatedFreshNoise</c>: every
/// virtual frame drawn with fresh noise and looked at by the decoder), on the first visitors of the same day.
/// </summary>
public sealed class SimulationBench : IBenchmark
{
    // 5,000 visitors a day: one every 17.3 s on average.
    private static readonly TimeSpan PerVisitor = TimeSpan.FromSeconds(86400.0 / 5000);

    public IReadOnlyList<string> FigureNames { get; } = ["sim.visitors_per_s", "sim.ms_per_visitor"];

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("bench-sim-").FullName;
        try
        {
            var visitors = options.Quick ? 150 : 1000;
            var day = DayScenario.Create(Path.Combine(directory, "day"), new DayScenarioSettings
            {
                Visitors = visitors,
                Duration = TimeSpan.FromSeconds(Math.Max(1800, visitors * PerVisitor.TotalSeconds)),
            });
            var scenario = Scenario.Load(day.ScenarioPath);
            var now = await PlayAsync(scenario, directory, freshNoise: false, cancellationToken);

            // The older path is several times slower: time the first visitors of the same day.
            var first = scenario with { Visitors = scenario.Visitors.Take(options.Quick ? 30 : 150).ToList() };
            var before = await PlayAsync(first, directory, freshNoise: true, cancellationToken);
            return
            [
                new Figure("sim.visitors_per_s", Math.Round(now, 1), "1/s", Math.Round(before, 1)),
                new Figure("sim.ms_per_visitor", Math.Round(1000 / now, 1), "ms", Math.Round(1000 / before, 1)),
            ];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<double> PlayAsync(Scenario scenario, string directory, bool freshNoise, CancellationToken cancellationToken)
    {
        var config = Path.Combine(directory, freshNoise ? "fresh-noise.json" : "default.json");
        await File.WriteAllTextAsync(config, $$"""{ "Camera": { "SimulatedFreshNoise": {{(freshNoise ? "true" : "false")}} } }""", cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var results = await SimulationRunner.PlayScenarioAsync(scenario, new RunOptions(config, true, null, null, null, null), fleet: false, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (results.Count != scenario.Visitors.Count)
        {
            throw new InvalidOperationException($"played {results.Count} of {scenario.Visitors.Count} visitors");
        }

        return results.Count / seconds;
    }
}
