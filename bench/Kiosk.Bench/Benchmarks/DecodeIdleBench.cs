using System.Diagnostics;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Camera;
using Kiosk.Drivers.Camera;
using Kiosk.Drivers.QrDecoding;
using Kiosk.Drivers.Tests.Camera;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// What the camera path costs while nobody is there: a stand-in <c>rpicam-vid</c> streams 1280 × 720 YUV 4:2:0 at 30 fps
/// of an empty hall with sensor noise (8 rendered frames in turn), and the kiosk's path reads it as in production
/// (<see cref="RpicamFrameSource"/> → <see cref="CameraCodeReader"/>: pipe read, frame handling, motion gate, decoder).
/// Figure: CPU time of this process (user + system, <see cref="Process.TotalProcessorTime"/>, not wall clock: the machine
/// is shared) per frame, times 30 frames per second, in % of one core. Baseline, same run, same stand-in: a thread that only
/// reads the same bytes from the pipe (blocking reads) and discards them. Several windows each, alternated; median reported.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DecodeIdleBench : IBenchmark
{
    private const int Width = 1280;
    private const int Height = 720;
    private const int FramesPerSecond = 30;

    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames { get; } = ["decode.idle_cpu_pct"];

    /// <inheritdoc />
    public async Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var renderer = new SimulatedSceneRenderer(Width, Height);
        var empty = new SimulatedScene.Empty(false);
        var frames = Enumerable.Range(0, 8).Select(i =>
        {
            var buffer = new byte[Width * Height];
            renderer.Render(empty, i, buffer);
            return buffer;
        }).ToList();
        using var camera = new FakeRpicam(frames, Width, Height, FramesPerSecond);

        // A kiosk that has been running a while: the decoder's code is compiled at full tier (a pass that runs once a second
        // would otherwise still be in tier-0 code, and being recompiled, during the measured window).
        var warm = new QrFrameDecoder();
        for (var i = 0; i < 100; i++)
        {
            warm.Reset();
            warm.Decode(new LumaFrame(frames[i % frames.Count], Width, Height, Width, DateTimeOffset.UnixEpoch, i));
        }
        var window = TimeSpan.FromSeconds(options.Quick ? 4 : 10);
        var rounds = options.Quick ? 3 : 5;
        var ours = new List<double>();
        var baseline = new List<double>();

        // One pair of rounds unmeasured: JIT tier-up of both loops happens here, not in a measured window.
        await KioskPathAsync(camera.Command, TimeSpan.FromSeconds(2), cancellationToken);
        await ReadAndDiscardAsync(camera.Command, TimeSpan.FromSeconds(2), cancellationToken);
        for (var r = 0; r < rounds; r++)
        {
            ours.Add(await KioskPathAsync(camera.Command, window, cancellationToken));
            baseline.Add(await ReadAndDiscardAsync(camera.Command, window, cancellationToken));
        }

        return [new Figure("decode.idle_cpu_pct", Math.Round(Stats.Median(ours), 2), "% core", Math.Round(Stats.Median(baseline), 2))];
    }

    // The production path: rpicam source → camera code reader (decoder with motion gate), one sighting per frame.
    private static async Task<double> KioskPathAsync(string command, TimeSpan window, CancellationToken cancellationToken)
    {
        var options = new CameraOptions
        {
            Source = CameraSourceKind.RpiCam, Width = Width, Height = Height, FramesPerSecond = FramesPerSecond, RpicamCommand = command,
        };
        var reader = new CameraCodeReader(new RpicamFrameSource(options, TimeProvider.System), new NoAlerts(), TimeProvider.System,
            Options.Create(options), NullLogger<CameraCodeReader>.Instance);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var meter = new CpuMeter(window);
        try
        {
            await foreach (var sighting in reader.ReadAsync(stop.Token))
            {
                if (sighting.Text is not null)
                {
                    throw new InvalidOperationException("the empty scene gave a code");
                }

                if (meter.Tick())
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Stopped after the window.
        }

        return meter.Percent;
    }

    // The floor: the same stream read with blocking reads on a thread of its own, frame by frame, and thrown away.
    private static async Task<double> ReadAndDiscardAsync(string command, TimeSpan window, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {command}");
        var stream = process.StandardOutput.BaseStream;
        var frame = new byte[Width * Height * 3 / 2];
        var meter = new CpuMeter(window);
        var reader = new Thread(() =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var read = 0;
                while (read < frame.Length)
                {
                    var n = stream.Read(frame, read, frame.Length - read);
                    if (n == 0)
                    {
                        throw new InvalidOperationException("the stand-in camera stopped");
                    }

                    read += n;
                }

                if (meter.Tick())
                {
                    break;
                }
            }
        });
        try
        {
            reader.Start();
            await Task.Run(reader.Join, cancellationToken);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(cancellationToken);
        }

        return meter.Percent;
    }

    // Starts after three seconds of warm-up (process start, JIT and tier-up of the per-frame code), then measures process CPU time over the window
    // and the frames that arrived in it. The stand-in cannot always keep 30 fps on a loaded machine, so the figure is the
    // CPU time per frame times 30 frames, per second: % of one core at 30 fps.
    private sealed class CpuMeter(TimeSpan window)
    {
        private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);
        private readonly long _created = Stopwatch.GetTimestamp();
        private long _start;
        private TimeSpan _cpuStart;
        private int _frames;

        public double Percent { get; private set; }

        public bool Tick()
        {
            var now = Stopwatch.GetTimestamp();
            if (_start == 0)
            {
                if (Stopwatch.GetElapsedTime(_created, now) >= WarmUp)
                {
                    _start = now;
                    _cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
                }

                return false;
            }

            _frames++;
            if (Stopwatch.GetElapsedTime(_start, now) < window)
            {
                return false;
            }

            var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuStart;
            Percent = cpu.TotalSeconds / _frames * FramesPerSecond * 100;
            return true;
        }
    }

    private sealed class NoAlerts : IAlerts
    {
        public IReadOnlyCollection<string> Active => [];

        public void Raise(string kind, string detail) => throw new InvalidOperationException($"camera alert during the bench: {kind}: {detail}");

        public void Clear(string kind, string detail = "recovered")
        {
        }

        public void Notify(string kind, string detail)
        {
        }
    }
}
