using HealthCode.Formats.Feed;
using Kiosk.Colors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// A REFER decision (red code, no temperature: <see cref="DecisionBench"/>'s <c>decision.refer_no_temp</c>, the same
/// production path through <see cref="DecisionBench.VisitAsync"/>) while a province snapshot applies in the same
/// process to the store the kiosk decides on (issue 22: within 20 % of idle). The province (<see cref="ProvinceBench"/>'s,
/// 2 M code and 32 M document records; <c>--quick</c>: an eighth, figure <c>..._during_province_eighth_apply</c>) is
/// written untimed as a signed manifest and its parts, then applied from those files through
/// <see cref="ProvinceBench.ApplyManifest"/> (verify, hash, decode, check, <see cref="ColorStore.BeginSnapshotLoad"/>,
/// the durable switch) to the kiosk's own <see cref="ColorStore"/>. Rounds alternate a block of idle visitors and one
/// apply with visitors meanwhile, until both sides have their count, so a machine whose load drifts (other processes)
/// weighs on both alike. Baseline: the p95 of the idle visitors of the same kiosk and store, the same run.
/// </summary>
public sealed class DecisionDuringApplyBench : IBenchmark
{
    private const string Full = "decision.refer_no_temp_during_province_apply.p95_ms";
    private const string Eighth = "decision.refer_no_temp_during_province_eighth_apply.p95_ms";
    private const int IdleBlock = 10;

    public IReadOnlyList<string> FigureNames { get; } = [Full, Eighth];

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = Directory.CreateTempSubdirectory("bench-decision-apply-").FullName;
        try
        {
            return await RunAsync(options, directory, cancellationToken);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, string directory, CancellationToken cancellationToken)
    {
        var scale = options.Quick ? 8 : 1;
        var count = options.Quick ? 20 : 60;
        var now = TimeProvider.System.GetUtcNow();
        using var world = DecisionBench.BenchWorld.Create(now);
        var province = new ProvinceBench.Province(ProvinceBench.FullCodes / scale, ProvinceBench.FullDocuments / scale, Seed: 22);
        var parts = Path.Combine(directory, "manifest");
        Directory.CreateDirectory(parts);
        province.WriteManifest(parts, world.AuthorityKey, now.AddMinutes(-1));

        var idle = new List<double>();
        var during = new List<double>();
        var idleShown = new List<double>();
        var duringShown = new List<double>();
        var duringGcPause = new List<double>();
        var idleKiosk = new List<double>();
        var duringKiosk = new List<double>();
        var applies = 0;
        var applyTime = TimeSpan.Zero;
        var gcPause = TimeSpan.Zero;
        var gen2 = 0;
        var gen0 = 0;
        await using (var kiosk = await RunningKiosk.StartAsync(world.Settings(Path.Combine(directory, "kiosk")), world.FeedMessages, cancellationToken))
        {
            var store = kiosk.Services.GetRequiredService<ColorStore>();
            for (var i = 0; i < 2; i++)
            {
                await DecisionBench.VisitAsync(kiosk, world.RedCode, pass: false, cancellationToken); // warm-up
            }

            while (idle.Count < count || during.Count < count)
            {
                for (var i = 0; i < IdleBlock && idle.Count < count; i++)
                {
                    var (decided, shown, inKiosk, _) = await DecisionBench.VisitTimedAsync(kiosk, world.RedCode, pass: false, cancellationToken);
                    idle.Add(decided);
                    idleShown.Add(shown);
                    idleKiosk.Add(inKiosk);
                }

                if (during.Count >= count)
                {
                    continue;
                }

                var pauseBefore = GC.GetTotalPauseDuration();
                var gen2Before = GC.CollectionCount(2);
                var gen0Before = GC.CollectionCount(0);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var apply = LoaderThread.Run(() => ProvinceBench.ApplyManifest(store, parts, world.AuthorityKey), "manifest-apply");
                applies++;
                while (!apply.IsCompleted)
                {
                    var (decided, shown, inKiosk, paused) = await DecisionBench.VisitTimedAsync(kiosk, world.RedCode, pass: false, cancellationToken);
                    if (!apply.IsCompleted)
                    {
                        duringGcPause.Add(paused);
                        during.Add(decided); // only decisions wholly inside the apply
                        duringShown.Add(shown);
                        duringKiosk.Add(inKiosk);
                    }
                }

                await apply;
                applyTime += System.Diagnostics.Stopwatch.GetElapsedTime(started);
                gcPause += GC.GetTotalPauseDuration() - pauseBefore;
                gen2 += GC.CollectionCount(2) - gen2Before;
                gen0 += GC.CollectionCount(0) - gen0Before;
                if (store.RecordCount != province.Codes || store.DocumentRecordCount != province.Documents)
                {
                    throw new InvalidOperationException("the province was not applied whole to the kiosk's store");
                }
            }
        }

        // What the figure alone does not say, for finding a cause: the spread, and the GC's share of the applies.
        Console.Error.WriteLine(
            $"decision during apply: {applies} applies ({applyTime.TotalSeconds:0.0} s, GC paused {gcPause.TotalMilliseconds:0} ms, {gen0} collections, {gen2} of them gen2), " +
            $"{during.Count} decisions during (p50 {Stats.Median(during):0.0} ms, max {during.Max():0.0} ms; GC paused within decisions {duringGcPause.Sum():0} ms in all, {duringGcPause[during.IndexOf(during.Max())]:0.0} ms within the slowest; screen shown p50 {Stats.Median(duringShown):0.0}, p95 {Stats.Percentile(duringShown, 95):0.0} ms; frame taken to decided p50 {Stats.Median(duringKiosk):0.0}, p95 {Stats.Percentile(duringKiosk, 95):0.0} ms), " +
            $"{idle.Count} idle (p50 {Stats.Median(idle):0.0} ms, max {idle.Max():0.0} ms; screen shown p50 {Stats.Median(idleShown):0.0}, p95 {Stats.Percentile(idleShown, 95):0.0} ms; frame taken to decided p50 {Stats.Median(idleKiosk):0.0}, p95 {Stats.Percentile(idleKiosk, 95):0.0} ms), " +
            $"load average {LoadAverage()}");
        return
        [
            new Figure(options.Quick ? Eighth : Full, Math.Round(Stats.Percentile(during, 95), 2), "ms", Math.Round(Stats.Percentile(idle, 95), 2)),
        ];
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
