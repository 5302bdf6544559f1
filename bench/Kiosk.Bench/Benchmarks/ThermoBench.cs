using System.Diagnostics;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Temperature;
using Kiosk.Drivers.Mlx90614;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

using BindingMlx90614 = Iot.Device.Mlx90614.Mlx90614;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// The MLX90614 path: how many corrupted transfers reach the caller (our PEC-checking driver against the
/// Iot.Device.Mlx90614 binding on the same corrupted emulated chip), and how long one validated measurement takes.
/// </summary>
public sealed class ThermoBench : IBenchmark
{
    private const int Reads = 100_000;
    private const double CorruptionRate = 0.10;
    private const int Seed = 2026;

    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames { get; } = ["thermo.corrupt_accepted", "thermo.corrupt_detected", "thermo.reading_ms"];

    /// <inheritdoc />
    public async Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var (ours, oursDetected) = CountOurs();
        var theirs = CountBinding();
        var (readingMs, rawReadMs) = await TimeReadingAsync(options.Quick ? 3 : 10, cancellationToken);
        return
        [
            new Figure("thermo.corrupt_accepted", ours, "reads", theirs),
            new Figure("thermo.corrupt_detected", oursDetected, "xfers", 0),
            new Figure("thermo.reading_ms", readingMs, "ms", rawReadMs),
        ];
    }

    // A chip with a forehead in front and 10 % of transfers corrupted on the wire (bit flip under the PEC) or flagged (0x8000).
    private static Mlx90614Emulator CorruptedChip(TimeProvider time) => new(time, Seed)
    {
        ObjectTemperatureC = 34.3,
        AmbientTemperatureC = 22.0,
        FaultKinds = Mlx90614Fault.WrongPec | Mlx90614Fault.ErrorFlag,
        FaultRate = CorruptionRate,
    };

    private static (long Accepted, long Detected) CountOurs()
    {
        var chip = CorruptedChip(TimeProvider.System);
        var truth = chip.PeekRam(RamRegister.Tobj1);
        using var sensor = new Mlx90614Sensor(chip);
        long accepted = 0;
        for (var i = 0; i < Reads; i++)
        {
            if (sensor.TryReadRam(RamRegister.Tobj1, out var raw) == Mlx90614ReadStatus.Ok && raw != truth)
            {
                accepted++;
            }
        }

        var stats = sensor.Statistics;
        return (accepted, stats.PecMismatches + stats.ErrorFlags);
    }

    private static long CountBinding()
    {
        var chip = CorruptedChip(TimeProvider.System);
        var truth = Mlx90614Sensor.RawToCelsius(chip.PeekRam(RamRegister.Tobj1));
        using var binding = new BindingMlx90614(chip);
        long accepted = 0;
        for (var i = 0; i < Reads; i++)
        {
            var celsius = binding.ReadObjectTemperature().DegreesCelsius;
            if (Math.Abs(celsius - truth) > 0.005)
            {
                accepted++;
            }
        }

        return accepted;
    }

    // Wall time of one validated measurement (wait, 7 samples over 600 ms at the chip's 100 ms refresh, MAD, model)
    // against one raw binding read of the same chip.
    private static async Task<(double ReadingMs, double RawReadMs)> TimeReadingAsync(int measurements, CancellationToken cancellationToken)
    {
        var chip = new Mlx90614Emulator(TimeProvider.System, Seed) { AmbientTemperatureC = 22.0 };
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IAlerts, QuietAlerts>()
            .AddBodyThermometer(configuration, _ => _ => chip);
        await using var provider = services.BuildServiceProvider();
        var thermometer = provider.GetRequiredService<IBodyThermometer>();
        var scene = new ThermometerScene(chip, provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<ThermometerOptions>>());
        scene.PutVisitor(36.6);

        var readings = new List<double>();
        for (var i = 0; i < measurements; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var result = await thermometer.MeasureAsync(cancellationToken);
            readings.Add(Stats.ElapsedMs(start));
            if (result.FirstC is null)
            {
                throw new InvalidOperationException("the emulated visitor was not measured");
            }
        }

        using var binding = new BindingMlx90614(new Mlx90614Emulator(TimeProvider.System, Seed) { ObjectTemperatureC = 34.3 });
        var raw = new List<double>();
        for (var i = 0; i < 10_000; i++)
        {
            var start = Stopwatch.GetTimestamp();
            binding.ReadObjectTemperature();
            raw.Add(Stats.ElapsedMs(start));
        }

        return (Stats.Median(readings), Stats.Median(raw));
    }

    private sealed class QuietAlerts : IAlerts
    {
        public IReadOnlyCollection<string> Active => [];

        public void Raise(string kind, string detail) => throw new InvalidOperationException($"unexpected alert {kind}: {detail}");

        public void Clear(string kind, string detail = "recovered")
        {
        }

        public void Notify(string kind, string detail)
        {
        }
    }
}
