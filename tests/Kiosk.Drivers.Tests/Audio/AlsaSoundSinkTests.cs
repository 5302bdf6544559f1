using Kiosk.Drivers.Audio;

namespace Kiosk.Drivers.Tests.Audio;

/// <summary>
/// The ALSA sink through the real libasound and Iot.Device.Bindings' SoundDevice, on ALSA's own <c>file</c> and
/// <c>null</c> plugins (alsa.conf defines both; no sound card and no configuration of the machine are involved).
/// </summary>
public sealed class AlsaSoundSinkTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("alsa-sink-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task PlaysTheClipSampleForSampleThroughTheFilePlugin()
    {
        var raw = Path.Combine(_directory, "out.raw");
        var clip = PcmClipTests.Sine("tone", 16000, 1, 440, TimeSpan.FromMilliseconds(400));
        var sink = AlsaSoundSink.ForPluginTests($"file:FILE={raw},FORMAT=raw", TimeProvider.System);

        await sink.PlayAsync(clip, CancellationToken.None);

        var written = File.ReadAllBytes(raw);
        var expected = new byte[clip.DataSize];
        clip.CopyData(0, expected);
        // SoundDevice writes whole periods: the clip, then silence up to the end of the last period.
        Assert.True(written.Length >= expected.Length, $"{written.Length} bytes written, clip has {expected.Length}");
        Assert.True(written.AsSpan(0, expected.Length).SequenceEqual(expected));
        Assert.All(written[expected.Length..], b => Assert.Equal(0, b));
        Assert.Equal("alsa:file:FILE=" + raw + ",FORMAT=raw", sink.Name);
    }

    [Fact]
    public async Task ACancelledClipStopsEarlyWithAFadeInsteadOfPlayingToItsEnd()
    {
        var raw = Path.Combine(_directory, "cut.raw");
        var clip = PcmClipTests.Sine("long", 16000, 1, 440, TimeSpan.FromSeconds(20));
        var sink = AlsaSoundSink.ForPluginTests($"file:FILE={raw},FORMAT=raw", TimeProvider.System, lead: TimeSpan.FromMilliseconds(100));
        using var cut = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sink.PlayAsync(clip, cut.Token));

        // Paced at playing speed, a 20 s clip cut after 1 s leaves far less than 20 s in the file. The bounds are loose on
        // purpose: they tell pacing from none, not how fast this machine is (on a loaded machine opening the device eats
        // into the second: 0.3 s once left only 0.195 s of sound).
        var seconds = new FileInfo(raw).Length / (double)clip.ByteRate;
        Assert.InRange(seconds, 0.05, 10);
        var samples = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(File.ReadAllBytes(raw)).ToArray();
        var lastSound = Array.FindLastIndex(samples, s => s != 0);
        Assert.True(lastSound > 0);
        // The last 20 ms before the silence ramp down: no click at full scale.
        Assert.InRange(Math.Abs((int)samples[lastSound]), 0, 16000 / 10);
    }

    [Fact]
    public async Task TheNullDevicePlaysAndAMissingDeviceFailsWithAlsasReason()
    {
        var clip = PcmClipTests.Sine("tone", 16000, 1, 440, TimeSpan.FromMilliseconds(100));

        await new AlsaSoundSink("null", TimeProvider.System).PlayAsync(clip, CancellationToken.None);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => new AlsaSoundSink("kiosk-test-no-such-device", TimeProvider.System).PlayAsync(clip, CancellationToken.None));

        Assert.Contains("Can not open playback device", error.Message);
    }

    [Fact]
    public void LibasoundResolvesByItsRuntimeSoname()
    {
        Assert.True(AlsaLibrary.TryLoad(out var error), error);
    }
}
