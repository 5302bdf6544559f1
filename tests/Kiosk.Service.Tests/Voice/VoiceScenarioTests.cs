using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Voice;
using Kiosk.Drivers.Audio;
using Kiosk.Service.Cli;
using Kiosk.Service.Hosting;
using Kiosk.Simulation;
using Microsoft.Extensions.Logging;

namespace Kiosk.Service.Tests.Voice;

/// <summary>The voice in whole scenarios: prompts written so a person can listen, and a kiosk without a sound device.</summary>
public sealed class VoiceScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("voice-scenario-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task RunSimulateAudioWritesTheMandarinPassPromptAsHeardAndListsThePrompts()
    {
        var audio = Path.Combine(_dir, "audio");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await KioskCli.RunAsync(["run", "--simulate", "--scenario", Path.Combine(SampleScenario.Directory, "scenario.json"), "--audio", audio], stdout, stderr, CancellationToken.None);

        Assert.True(code == 0, stderr.ToString());
        var pass = Directory.GetFiles(audio, "*-pass.zh.wav").Order(StringComparer.Ordinal).First();
        var heard = PcmClip.ReadWavFile(pass, "pass.zh");
        var expected = VoiceClips.LoadDefault(PromptTable.Pass.Name, "zh");
        // Not silent, and the whole prompt: its length within 20 % of the clip's.
        Assert.True(heard.Rms > 0.02, $"RMS {heard.Rms:0.000}");
        Assert.InRange(heard.Duration.TotalSeconds, expected.Duration.TotalSeconds * 0.8, expected.Duration.TotalSeconds * 1.2);
        Assert.Equal(16000, heard.SampleRate);

        var table = stdout.ToString();
        Assert.Contains("spoken", table);
        Assert.Contains("measuring (cut), pass", table);
        Assert.Contains("refer-further-check", table);
        Assert.DoesNotContain("red", Directory.GetFiles(audio).Select(Path.GetFileName).SelectMany(n => n!.Split('-', '.')));
    }

    [Fact]
    public async Task WithoutASoundDeviceTheKioskDecidesExactlyAsBeforeWithOneAudioFault()
    {
        var scenario = Scenario.Load(Path.Combine(SampleScenario.Directory, "scenario.json"));
        var noDevice = Path.Combine(_dir, "no-device.json");
        await File.WriteAllTextAsync(noDevice, """{ "Voice": { "Device": "hw:CARD=NoSuchCard" } }""");

        var withLogs = new CapturingLoggerProvider();
        var withoutLogs = new CapturingLoggerProvider();
        var with = await SimulationRunner.PlayScenarioAsync(scenario, new RunOptions(null, true, null, null, null, null), fleet: false, b => b.AddProvider(withLogs), CancellationToken.None);
        var without = await SimulationRunner.PlayScenarioAsync(scenario, new RunOptions(noDevice, true, null, null, null, null), fleet: false, b => b.AddProvider(withoutLogs), CancellationToken.None);

        Assert.Equal(Decisions(with), Decisions(without));
        Assert.NotEmpty(with.SelectMany(r => r.Prompts));
        Assert.Empty(without.SelectMany(r => r.Prompts));
        Assert.Single(withoutLogs.Lines, l => l.Contains("Alert raised: audio_fault", StringComparison.Ordinal));
        Assert.DoesNotContain(withLogs.Lines, l => l.Contains("audio_fault", StringComparison.Ordinal));
        Assert.DoesNotContain(withoutLogs.Entries, e => e.EventId == 312);
    }

    private static List<string> Decisions(IReadOnlyList<VisitorResult> results) =>
        results.Select(r => r.Record is { } d ? $"{r.Index} {PolicyNames.Of(d.Decision.Reason)} {d.SeenAt:O} {d.DecidedAt:O}" : $"{r.Index} -").ToList();
}
