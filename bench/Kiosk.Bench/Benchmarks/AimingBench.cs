using Kiosk.Service.Hosting;
using Kiosk.Simulation;
using Kiosk.Simulation.Demo;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// <c>camera.aiming.frames_to_read</c>: camera frames (30 fps) from step-up to the frame read, averaged over the code
/// visitors of a short day (<see cref="DayScenario"/>) who all start too far from the camera (the code seen, not
/// readable: <see cref="ScenarioVisitor.StartsFar"/>), played by the whole composition in virtual time with the aiming
/// help on (<c>Checkpoint:AimingHelpAfter</c> 1 s: they come closer when the screen asks). Baseline, same visitors and
/// seeds in the same run: the help off (they come closer on their own, 15 % a second). <c>.p95</c>: the 95th percentile.
/// </summary>
public sealed class AimingBench : IBenchmark
{
    private const int FramesPerSecond = 30;

    public IReadOnlyList<string> FigureNames { get; } = ["camera.aiming.frames_to_read", "camera.aiming.frames_to_read.p95"];

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("bench-aiming-").FullName;
        try
        {
            var visitors = options.Quick ? 12 : 40;
            var day = DayScenario.Create(Path.Combine(directory, "day"), new DayScenarioSettings
            {
                Visitors = visitors,
                Duration = TimeSpan.FromSeconds(Math.Max(1800, visitors * 60)),
                BackgroundRecords = 200,
            });
            var scenario = Scenario.Load(day.ScenarioPath);
            var helped = await AimingTrial.RunAsync(scenario, help: true, FramesPerSecond, directory, cancellationToken);
            var alone = await AimingTrial.RunAsync(scenario, help: false, FramesPerSecond, directory, cancellationToken);
            if (helped.Count == 0 || helped.Count != alone.Count)
            {
                throw new InvalidOperationException($"far visitors decided: {helped.Count} with the help, {alone.Count} without");
            }

            var with = helped.Select(v => v.FramesToRead).ToList();
            var without = alone.Select(v => v.FramesToRead).ToList();
            return
            [
                new Figure("camera.aiming.frames_to_read", Math.Round(with.Average(), 1), "frames", Math.Round(without.Average(), 1)),
                new Figure("camera.aiming.frames_to_read.p95", Math.Round(Stats.Percentile(with, 95), 1), "frames", Math.Round(Stats.Percentile(without, 95), 1)),
            ];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
