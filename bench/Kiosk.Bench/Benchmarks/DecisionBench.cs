using System.Diagnostics;
using System.Security.Cryptography;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Devices.Temperature;
using Kiosk.Devices.Voice;
using Kiosk.Drivers.Audio;
using Kiosk.Drivers.Camera;
using Kiosk.Fleet;
using Kiosk.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// Code shown → decision, wall clock, through the whole production composition on simulated devices in real time
/// (30 fps simulated camera, the emulated MLX90614 at its refresh rate), and process start → ready to scan.
/// Baselines, same run: for REFER, the bare verification of the same code (the floor of a decision without
/// temperature); for PASS, the thermometer's measurement alone (the floor of a decision with temperature);
/// for start-up, the same executable printing its version (runtime start). The voice speaks every screen (simulated
/// sound sink); <c>decision.pass_audio_fault</c> is PASS again with the voice on an ALSA device that does not exist
/// (the real libasound path failing on every prompt), against <c>decision.pass</c> of the same run: a failing sound
/// device must not slow a decision.
/// </summary>
public sealed class DecisionBench : IBenchmark
{
    public IReadOnlyList<string> FigureNames { get; } = ["decision.refer_no_temp.p95_ms", "decision.refer_no_temp.p50_ms", "decision.pass.p95_ms", "decision.pass_audio_fault.p95_ms", "startup.ready_ms"];

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("bench-decision-").FullName;
        try
        {
            using var world = BenchWorld.Create(TimeProvider.System.GetUtcNow());
            var (refer, verifyFloor) = await MeasureAsync(world, directory, pass: false, options.Quick ? 20 : 60, cancellationToken);
            var (pass, thermometerFloor) = await MeasureAsync(world, directory, pass: true, options.Quick ? 8 : 25, cancellationToken);
            var (passAudioFault, _) = await MeasureAsync(world, directory, pass: true, options.Quick ? 8 : 25, cancellationToken, audioFault: true);
            var (ready, version) = await StartupAsync(world, directory, options.Quick ? 2 : 5, cancellationToken);
            return
            [
                new Figure("decision.refer_no_temp.p95_ms", Math.Round(refer.P95, 2), "ms", Math.Round(verifyFloor, 3)),
                new Figure("decision.refer_no_temp.p50_ms", Math.Round(refer.P50, 2), "ms", Math.Round(verifyFloor, 3)),
                new Figure("decision.pass.p95_ms", Math.Round(pass.P95, 1), "ms", Math.Round(thermometerFloor, 1)),
                new Figure("decision.pass_audio_fault.p95_ms", Math.Round(passAudioFault.P95, 1), "ms", Math.Round(pass.P95, 1)),
                new Figure("startup.ready_ms", Math.Round(ready, 0), "ms", Math.Round(version, 0)),
            ];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<((double P95, double P50) Latency, double BaselineP95)> MeasureAsync(BenchWorld world, string directory, bool pass, int count, CancellationToken cancellationToken, bool audioFault = false)
    {
        var data = Path.Combine(directory, pass ? audioFault ? "pass-audio-fault" : "pass" : "refer");
        var settings = world.Settings(data);
        Action<IServiceCollection>? configure = null;
        if (audioFault)
        {
            // The hardware sound sink on a device ALSA does not have: every prompt fails in snd_pcm_open.
            settings["Voice:Device"] = "kiosk-bench-no-such-device";
            configure = services => services.AddSingleton<SoundSinkFactory>(_ => device => new AlsaSoundSink(device, TimeProvider.System));
        }

        await using var kiosk = await RunningKiosk.StartAsync(settings, world.FeedMessages, cancellationToken, configure);
        var provider = kiosk.Services;
        var camera = provider.GetRequiredService<SimulatedCamera>();
        var scene = provider.GetRequiredService<ThermometerScene>();
        camera.Show(new SimulatedScene.Empty(false));

        var samples = new List<double>();
        var baseline = new List<double>();
        var code = pass ? world.GreenCode : world.RedCode;
        for (var i = 0; i < count + 2; i++)
        {
            var elapsed = await VisitAsync(kiosk, code, pass, cancellationToken);
            if (i >= 2)
            {
                samples.Add(elapsed);
            }
        }

        // Baselines on the same composition: the verification alone, or the thermometer alone.
        if (pass)
        {
            var thermometer = provider.GetRequiredService<IBodyThermometer>();
            scene.PutVisitor(36.6);
            for (var i = 0; i < Math.Min(count, 8); i++)
            {
                var started = Stopwatch.GetTimestamp();
                await thermometer.MeasureAsync(cancellationToken);
                baseline.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        else
        {
            var verifier = provider.GetRequiredService<ICodeVerifier>();
            for (var i = 0; i < 200; i++)
            {
                var started = Stopwatch.GetTimestamp();
                verifier.Verify(code, TimeProvider.System.GetUtcNow());
                baseline.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        var audioFaulted = provider.GetRequiredService<IAlerts>().Active.Contains(AlertKinds.AudioFault);
        if (audioFaulted != audioFault || (!audioFault && provider.GetRequiredService<SimulatedSoundSink>().Played.Count == 0))
        {
            throw new InvalidOperationException(audioFault ? "bench: the sound device did not fail" : "bench: the voice did not speak");
        }

        return ((Stats.Percentile(samples, 95), Stats.Median(samples)), Stats.Percentile(baseline, 95));
    }

    /// <summary>One visitor through the production path: the code shown to the simulated camera (with a temperature
    /// when <paramref name="pass"/>), the time until the decision in ms; then the visitor leaves, the kiosk is ready
    /// again and 1.2 s pass (the screen's hold), as at a checkpoint.</summary>
    internal static async Task<double> VisitAsync(RunningKiosk kiosk, string code, bool pass, CancellationToken cancellationToken) =>
        (await VisitTimedAsync(kiosk, code, pass, cancellationToken)).Decided;

    /// <summary><see cref="VisitAsync"/>, with the time until the result screen was shown as well (ms; the decision is
    /// shown and acted on first, then reported: <c>Decided</c> comes after) and the kiosk's own latency (the first frame showing the
    /// code taken → decided: decode, verify, look up, <see cref="DecisionRecord.Latency"/>) and the GC's pauses meanwhile (ms).</summary>
    internal static async Task<(double Decided, double Shown, double Kiosk, double GcPaused)> VisitTimedAsync(RunningKiosk kiosk, string code, bool pass, CancellationToken cancellationToken)
    {
        var camera = kiosk.Services.GetRequiredService<SimulatedCamera>();
        var scene = kiosk.Services.GetRequiredService<ThermometerScene>();
        kiosk.Expect();
        scene.PutVisitor(pass ? 36.6 : null);
        var phone = new SimulatedScene.QrText(code);
        camera.Prepare(phone);
        var gcPaused = GC.GetTotalPauseDuration();
        var shown = Stopwatch.GetTimestamp();
        camera.Show(phone);
        var record = await kiosk.DecidedAsync(cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(shown).TotalMilliseconds;
        gcPaused = GC.GetTotalPauseDuration() - gcPaused;
        var screenShown = Stopwatch.GetElapsedTime(shown, kiosk.ResultShownTimestamp).TotalMilliseconds;
        var expected = pass ? Reason.Ok : Reason.HealthStatus;
        if (record.Decision.Reason != expected)
        {
            throw new InvalidOperationException($"bench visitor decided {PolicyNames.Of(record.Decision.Reason)}, expected {PolicyNames.Of(expected)}");
        }

        camera.Show(new SimulatedScene.Empty(false));
        scene.PutVisitor(null);
        await kiosk.ReadyAsync(cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1.2), cancellationToken);
        return (elapsed, screenShown, record.Latency.TotalMilliseconds, gcPaused.TotalMilliseconds);
    }

    private static async Task<(double Ready, double Version)> StartupAsync(BenchWorld world, string directory, int runs, CancellationToken cancellationToken)
    {
        var kiosk = Path.Combine(AppContext.BaseDirectory, "kiosk.dll");
        var config = Path.Combine(directory, "startup.json");
        await File.WriteAllTextAsync(config, world.ConfigJson(Path.Combine(directory, "startup")), cancellationToken);
        var ready = new List<double>();
        var version = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            version.Add(await TimeUntilAsync(kiosk, ["--version"], line => false, cancellationToken));
            ready.Add(await TimeUntilAsync(kiosk, ["run", "--simulate", "--config", config], line => line.Contains("Ready to scan", StringComparison.Ordinal), cancellationToken));
        }

        return (Stats.Median(ready), Stats.Median(version));
    }

    // Process start → a matching line on stdout (then the process is stopped), or → exit when nothing matches.
    private static async Task<double> TimeUntilAsync(string dll, string[] args, Func<string, bool> match, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the kiosk");
        _ = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (match(line))
            {
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(cancellationToken);
                return elapsed;
            }
        }

        await process.WaitForExitAsync(timeout.Token);
        if (args[0] != "--version")
        {
            throw new InvalidOperationException($"kiosk {string.Join(' ', args)} exited ({process.ExitCode}) before it was ready");
        }

        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>Keys, codes and a fresh signed snapshot made for now.</summary>
    internal sealed class BenchWorld : IDisposable
    {
        private readonly SigningKey _authority = SigningKey.CreateEs256();
        private readonly SigningKey _issuer = SigningKey.CreateEs256();

        private BenchWorld(DateTimeOffset now)
        {
            var trust = new TrustList([_issuer.ToTrustedIssuer("CN-HL", now.AddDays(-1), now.AddDays(30))]);
            var key = (ECDsa)_authority.Key;
            var codes = new HealthCodeIssuer(_issuer);
            HealthCodeClaim Claim(HealthColor color) => new(CodeId.FromBytes(RandomNumberGenerator.GetBytes(16)), color, now.AddDays(-1).ToUnixTimeSeconds(), "王*明", false);
            GreenCode = codes.Issue("CN-HL", now.AddMinutes(-5), now.AddDays(1), Claim(HealthColor.Green));
            RedCode = codes.Issue("CN-HL", now.AddMinutes(-5), now.AddDays(1), Claim(HealthColor.Red));
            FeedMessages =
            [
                FeedEncoder.Sign(new TrustMessage(now.AddMinutes(-1), trust), key, _authority.Kid),
                FeedEncoder.Sign(new SnapshotMessage("CN-HL", 1, now.AddMinutes(-1), []), key, _authority.Kid),
            ];
        }

        public string GreenCode { get; }

        public string RedCode { get; }

        public IReadOnlyList<byte[]> FeedMessages { get; }

        /// <summary>The feed authority's key (signs manifests made for this world; verifies them too).</summary>
        public ECDsa AuthorityKey => (ECDsa)_authority.Key;

        public static BenchWorld Create(DateTimeOffset now) => new(now);

        public Dictionary<string, string?> Settings(string data) => new()
        {
            ["Kiosk:DataDirectory"] = data,
            ["ColorFeed:DatabasePath"] = Path.Combine(data, "colors.db"),
            ["ColorFeed:Feed"] = "CN-HL",
            ["ColorFeed:AuthorityKey"] = Convert.ToBase64String(_authority.SubjectPublicKeyInfo),
            ["Camera:Source"] = "Simulated",
            ["Camera:FramesPerSecond"] = "30",
            ["Display:FramebufferDevice"] = string.Empty,
            ["Checkpoint:PassHold"] = "00:00:00.5",
            ["Checkpoint:ReferHold"] = "00:00:01",
            ["Voice:ClipsDirectory"] = string.Empty,
        };

        public string ConfigJson(string data) => System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Kiosk"] = new Dictionary<string, string> { ["DataDirectory"] = data },
            ["ColorFeed"] = new Dictionary<string, string> { ["Feed"] = "CN-HL", ["AuthorityKey"] = Convert.ToBase64String(_authority.SubjectPublicKeyInfo), ["DatabasePath"] = Path.Combine(data, "colors.db"), ["Host"] = "127.0.0.1", ["Port"] = "1" },
            ["Camera"] = new Dictionary<string, string> { ["Source"] = "Simulated", ["FramesPerSecond"] = "30" },
            ["Display"] = new Dictionary<string, string> { ["FramebufferDevice"] = string.Empty },
            ["Fleet"] = new Dictionary<string, string> { ["EmbeddedBrokerPort"] = "0" },
        });

        public void Dispose()
        {
            _authority.Dispose();
            _issuer.Dispose();
        }
    }
}
