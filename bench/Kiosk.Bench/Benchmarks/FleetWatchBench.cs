using System.Diagnostics;
using System.Globalization;
using System.Text;
using Kiosk.FleetConsole;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// What seeding the hour from telemetry costs <c>fleet watch</c> and the web console's table: one snapshot of the
/// watch's model (rows worst first, each kiosk's PASS/h and REFER/h by reason) for a thousand kiosks, each with sixty
/// decisions seen live in the last hour and a telemetry whose <c>lastHour</c> already counts fifty of them. Baseline,
/// in the same run: the same model fed the same statuses and decisions without telemetry (the watch before the seed:
/// live events only).
/// </summary>
public sealed class FleetWatchBench : IBenchmark
{
    private const int Kiosks = 1000;

    private const int DecisionsPerKiosk = 60;

    private const int CoveredByTelemetry = 50;

    private static readonly string[] Reasons = ["health_status", "temperature_high", "code_expired"];

    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames { get; } = ["fleet.watch.snapshot_1000_ms"];

    /// <inheritdoc />
    public Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var seeded = Model(now, withTelemetry: true);
        var live = Model(now, withTelemetry: false);

        // Both must show the same hour: the seed replaces the events it covers, it does not add to them.
        var a = seeded.Snapshot(now).Rows;
        var b = live.Snapshot(now).Rows;
        if (a.Count != Kiosks || a.Zip(b).Any(p => p.First.Pass != p.Second.Pass || p.First.Refer != p.Second.Refer || p.First.Reasons != p.Second.Reasons))
        {
            throw new InvalidOperationException("the seeded and the live-only watch disagree on the hour's counts");
        }

        var rounds = options.Quick ? 20 : 100;
        var ours = new List<double>(rounds);
        var baseline = new List<double>(rounds);
        for (var round = 0; round < rounds + 2; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var withSeed = Time(seeded, now);
            var without = Time(live, now);
            if (round >= 2)
            {
                ours.Add(withSeed);
                baseline.Add(without);
            }
        }

        Console.Error.WriteLine($"fleet.watch: {Kiosks} kiosks x {DecisionsPerKiosk} decisions; snapshot seeded from telemetry p50 {Stats.Median(ours):F2} ms, live events only p50 {Stats.Median(baseline):F2} ms");
        return Task.FromResult<IReadOnlyList<Figure>>([new Figure("fleet.watch.snapshot_1000_ms", Math.Round(Stats.Median(ours), 2), "ms", Math.Round(Stats.Median(baseline), 2))]);
    }

    private static double Time(FleetWatchModel model, DateTimeOffset now)
    {
        var start = Stopwatch.GetTimestamp();
        var (rows, _) = model.Snapshot(now);
        var elapsed = Stats.ElapsedMs(start);
        if (rows.Count != Kiosks)
        {
            throw new InvalidOperationException($"the snapshot listed {rows.Count} kiosks, expected {Kiosks}");
        }

        return elapsed;
    }

    private static FleetWatchModel Model(DateTimeOffset now, bool withTelemetry)
    {
        var model = new FleetWatchModel("kiosk/v1", null);
        for (var k = 0; k < Kiosks; k++)
        {
            var prefix = $"kiosk/v1/site-{k % 10}/k{k:D4}";
            model.OnMessage(prefix + "/status", Utf8($$"""{"state":"online","at":"{{Iso(now.AddSeconds(-30))}}","version":"1.0.0","problems":[]}"""), retained: true, now);
            var pass = 0;
            var byReason = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var d = 1; d <= DecisionsPerKiosk; d++)
            {
                var refer = d % 6 == 0;
                var reason = refer ? Reasons[(d / 6) % Reasons.Length] : "ok";
                if (d <= CoveredByTelemetry)
                {
                    if (refer)
                    {
                        byReason[reason] = byReason.GetValueOrDefault(reason) + 1;
                    }
                    else
                    {
                        pass++;
                    }
                }

                var at = now.AddMinutes(-59).AddSeconds(d * 58);
                model.OnMessage(prefix + "/event/decision", Utf8($$"""{"eventId":"{{Guid.NewGuid()}}","seq":{{d}},"at":"{{Iso(at)}}","outcome":"{{(refer ? "refer" : "pass")}}","reason":"{{reason}}","temperatureC":null,"issuer":null,"codeRef":null,"latencyMs":1}"""), retained: false, now);
            }

            if (withTelemetry)
            {
                var reasons = string.Join(",", byReason.Select(p => $"\"{p.Key}\":{p.Value}"));
                var telemetryAt = now.AddMinutes(-59).AddSeconds((CoveredByTelemetry * 58) + 1);
                model.OnMessage(prefix + "/telemetry", Utf8($$$"""{"at":"{{{Iso(telemetryAt)}}}","uptimeS":7200,"lastHour":{"pass":{{{pass}}},"refer":{{{byReason.Values.Sum()}}},"byReason":{{{{reasons}}}},"firstSeq":1,"lastSeq":{{{CoveredByTelemetry}}}}}"""), retained: false, now);
            }
        }

        return model;
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
