using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Devices.Voice;
using Kiosk.Drivers.Audio;
using Kiosk.Service.Tests.Screen;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Voice;

/// <summary>A site's own recordings in the clips directory: used when playable, else one alert naming the file and the default clip.</summary>
public sealed class VoiceClipsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("voice-clips-").FullName;
    private readonly RecordingEventSink _events = new();
    private readonly AlertCenter _alerts;

    public VoiceClipsTests()
    {
        _alerts = new AlertCenter(new FakeTimeProvider(), new InMemoryEventSequence(), [_events], NullLogger<AlertCenter>.Instance);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ASitesRecordingReplacesTheDefaultClipOfTheSameName()
    {
        var recording = new PcmClip("x", 44100, 2, Enumerable.Range(0, 44100 * 2).Select(i => (short)(i % 200 * 100)).ToArray());
        using (var file = File.Create(Path.Combine(_dir, "pass.zh.wav")))
        {
            recording.WriteWav(file);
        }

        var clips = new VoiceClips(_dir, _alerts, NullLogger<VoiceClips>.Instance);

        var pass = clips.Get(PromptTable.Pass.Name, "zh")!;
        Assert.Equal(44100, pass.SampleRate);
        Assert.Equal(2, pass.Channels);
        Assert.Equal("pass.zh", pass.Name);
        Assert.Equal(["pass.zh"], clips.FromSite);
        Assert.Equal(VoiceClips.LoadDefault(PromptTable.Pass.Name, "en").Duration, clips.Get(PromptTable.Pass.Name, "en")!.Duration);
        Assert.Empty(_events.Alerts);
    }

    [Fact]
    public void ABadRecordingRaisesOneAlertNamingTheFileAndTheDefaultIsUsed()
    {
        File.WriteAllText(Path.Combine(_dir, "idle.en.wav"), "this is a text file, not a recording");
        File.WriteAllBytes(Path.Combine(_dir, "notes.wav"), [1, 2, 3]);

        var clips = new VoiceClips(_dir, _alerts, NullLogger<VoiceClips>.Instance);

        var alert = Assert.Single(_events.Alerts);
        Assert.Equal(AlertKinds.AudioFault, alert.Kind);
        Assert.Contains(Path.Combine(_dir, "idle.en.wav"), alert.Detail);
        Assert.Contains("not a RIFF/WAVE file", alert.Detail);
        Assert.Empty(_alerts.Active);
        Assert.Equal(VoiceClips.LoadDefault(PromptTable.Idle.Name, "en").Duration, clips.Get(PromptTable.Idle.Name, "en")!.Duration);
        Assert.Empty(clips.FromSite);
    }

    [Fact]
    public void ARecordingThatLinksToAnEndlessDeviceIsOneAlertAndTheDefaultClip()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "idle.zh.wav"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(_dir, "pass.zh.wav"), "/dev/urandom");

        var clips = new VoiceClips(_dir, _alerts, NullLogger<VoiceClips>.Instance);

        Assert.Equal(2, _events.Alerts.Count);
        Assert.All(_events.Alerts, a => Assert.Contains("is not a regular file", a.Detail));
        Assert.Contains(_events.Alerts, a => a.Detail.Contains(Path.Combine(_dir, "idle.zh.wav"), StringComparison.Ordinal));
        Assert.Equal(VoiceClips.LoadDefault(PromptTable.Idle.Name, "zh").Duration, clips.Get(PromptTable.Idle.Name, "zh")!.Duration);
        Assert.Equal(VoiceClips.LoadDefault(PromptTable.Pass.Name, "zh").Duration, clips.Get(PromptTable.Pass.Name, "zh")!.Duration);
        Assert.Empty(clips.FromSite);
    }

    [Fact]
    public void NoDirectoryMeansTheDefaults()
    {
        var clips = new VoiceClips(Path.Combine(_dir, "absent"), _alerts, NullLogger<VoiceClips>.Instance);

        Assert.All(PromptTable.All, prompt => Assert.NotNull(clips.Get(prompt.Name, "zh")));
        Assert.Null(clips.Get("no-such-prompt", "zh"));
        Assert.Empty(_events.Alerts);
    }
}
