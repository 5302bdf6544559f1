using System.Diagnostics;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Voice;
using Kiosk.Service.Cli;

namespace Kiosk.Service.Tests.Voice;

/// <summary>
/// <c>kiosk speak</c> through the real ALSA path: a PCM that the test's own .asoundrc defines (ALSA's file plugin),
/// found through HOME of a child kiosk process, never through the machine's configuration.
/// </summary>
public sealed class SpeakCommandTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("speak-home-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task SpeaksAPromptOnADeviceOfTheUsersAsoundrcSampleForSampleAtTheVolumeAsked()
    {
        var raw = Path.Combine(_home, "speaker.raw");
        await File.WriteAllTextAsync(Path.Combine(_home, ".asoundrc"), $$"""
            # The test's speaker: every sample played goes to a file.
            pcm.kiosk_test_speaker {
                type file
                slave.pcm "null"
                file "{{raw}}"
                format "raw"
            }
            """);

        var (code, stdout, stderr) = await KioskAsync(["speak", "pass", "--lang", "zh", "--device", "kiosk_test_speaker", "--volume", "50"]);

        Assert.True(code == 0, stderr);
        Assert.Contains("pass (zh) on alsa:kiosk_test_speaker at 50 %", stdout);
        var expected = VoiceClips.LoadDefault(PromptTable.Pass.Name, "zh").WithGain(0.5);
        var bytes = new byte[expected.DataSize];
        expected.CopyData(0, bytes);
        var written = await File.ReadAllBytesAsync(raw);
        Assert.True(written.Length >= bytes.Length, $"{written.Length} bytes played, the clip has {bytes.Length}");
        Assert.True(written.AsSpan(0, bytes.Length).SequenceEqual(bytes), "the device got the clip at half volume");
    }

    [Fact]
    public async Task ListAuditionsEveryPromptSayingWhatEachSaysAndPlaysThemAll()
    {
        var raw = Path.Combine(_home, "speaker.raw");
        await File.WriteAllTextAsync(Path.Combine(_home, ".asoundrc"), $$"""
            pcm.kiosk_test_speaker {
                type file
                slave.pcm "null"
                file "{{raw}}"
                format "raw"
            }
            """);

        var (code, stdout, stderr) = await KioskAsync(["speak", "--list", "--lang", "en", "--device", "kiosk_test_speaker", "--volume", "80"]);

        Assert.True(code == 0, stderr);
        foreach (var row in PromptTable.All)
        {
            Assert.Contains($"{row.Name}: {row.Spoken.Zh} / {row.Spoken.En} (en ", stdout, StringComparison.Ordinal);
        }

        Assert.Contains($"{PromptTable.All.Count} prompts (en) on alsa:kiosk_test_speaker", stdout, StringComparison.Ordinal);

        // Each prompt opens the device again (ALSA's file plugin starts its file anew): the last prompt's clip is there whole.
        var last = VoiceClips.LoadDefault(PromptTable.All[^1].Name, "en").WithGain(0.8);
        var bytes = new byte[last.DataSize];
        last.CopyData(0, bytes);
        var written = await File.ReadAllBytesAsync(raw);
        Assert.True(written.Length >= bytes.Length && written.AsSpan(0, bytes.Length).SequenceEqual(bytes), $"{written.Length} bytes played, not the last clip's {bytes.Length}");
    }

    [Fact]
    public async Task AMissingDeviceIsOneLineNamingItAndAnUnknownPromptListsThePrompts()
    {
        var missing = await InProcessAsync("speak", "idle", "--device", "kiosk-test-no-such-device", "--config", await EmptyConfigAsync());
        var unknown = await InProcessAsync("speak", "green");

        Assert.Equal(1, missing.Code);
        var line = Assert.Single(missing.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("alsa:kiosk-test-no-such-device: Can not open playback device", line);
        Assert.Equal(2, unknown.Code);
        Assert.StartsWith("error: unknown prompt 'green' (expected one of: idle, idle-card, aiming, measuring, pass", unknown.Error);
    }

    [Fact]
    public async Task ADeviceNameAlsaWouldTurnIntoAShellPipeIsOneLineAndRunsNothing()
    {
        var marker = Path.Combine(_home, "piped");
        var config = Path.Combine(_home, "piped.json");
        await File.WriteAllTextAsync(config, $$"""{ "Voice": { "ClipsDirectory": "", "Device": "file:'|touch {{marker}}',raw" } }""");

        var asked = await InProcessAsync("speak", "idle", "--device", $"file:'|touch {marker}',raw", "--config", await EmptyConfigAsync());
        var configured = await InProcessAsync("speak", "idle", "--config", config);

        foreach (var (code, _, error) in new[] { asked, configured })
        {
            Assert.Equal(2, code);
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: ", line);
            Assert.Contains("must be a plain ALSA device name", line);
        }

        Assert.StartsWith("error: --device 'file:'|touch", asked.Error);
        Assert.False(File.Exists(marker), "the pipe's command ran");
    }

    private async Task<string> EmptyConfigAsync()
    {
        var config = Path.Combine(_home, "kiosk.json");
        await File.WriteAllTextAsync(config, """{ "Voice": { "ClipsDirectory": "" } }""");
        return config;
    }

    private static async Task<(int Code, string Out, string Error)> InProcessAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await KioskCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private async Task<(int Code, string Out, string Error)> KioskAsync(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "kiosk.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // ALSA reads $HOME/.asoundrc; nothing of the machine's own configuration is touched.
        start.Environment["HOME"] = _home;
        start.Environment["KIOSK_Voice__ClipsDirectory"] = string.Empty;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the kiosk");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
