using Kiosk.Drivers.Audio;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Drivers.Tests.Audio;

/// <summary>The simulated sink: plays on the injected clock, records what was heard, writes it, fails on demand.</summary>
public sealed class SimulatedSoundSinkTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly string _directory = Directory.CreateTempSubdirectory("sim-sink-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task RecordsEachClipWithItsStartAndWhatWasHeardAndWritesIt()
    {
        var sink = new SimulatedSoundSink(_time, _directory);
        var tone = PcmClipTests.Sine("pass.zh", 16000, 1, 440, TimeSpan.FromSeconds(2));

        var whole = sink.PlayAsync(tone, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(2));
        await whole;
        using var cut = new CancellationTokenSource();
        var partial = sink.PlayAsync(tone, cut.Token);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        cut.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => partial);

        var played = sink.Played;
        Assert.Equal(2, played.Count);
        Assert.Equal(new PlayedClip(1, "pass.zh", _time.Start, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), false, Path.Combine(_directory, "0001-pass.zh.wav")), played[0]);
        Assert.Equal(_time.Start.AddSeconds(2), played[1].At);
        Assert.True(played[1].Cut);
        Assert.Equal(TimeSpan.FromMilliseconds(500), played[1].Heard);
        Assert.Equal(TimeSpan.FromSeconds(2), PcmClip.ReadWavFile(played[0].File!, "x").Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(500), PcmClip.ReadWavFile(played[1].File!, "x").Duration);
    }

    [Fact]
    public async Task FailsEveryPlayWhileAFaultIsInjected()
    {
        var sink = new SimulatedSoundSink(_time);
        var tone = PcmClipTests.Sine("idle.en", 16000, 1, 440, TimeSpan.FromMilliseconds(100));

        sink.Fail("no card");
        var error = await Assert.ThrowsAsync<IOException>(() => sink.PlayAsync(tone, CancellationToken.None));
        sink.Fail(null);
        var played = sink.PlayAsync(tone, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await played;

        Assert.Equal("no card", error.Message);
        Assert.Single(sink.Played);
    }

    [Fact]
    public async Task IsOneDeviceNamedDefaultAnyOtherNameIsMissing()
    {
        var sink = new SimulatedSoundSink(_time);
        var tone = PcmClipTests.Sine("idle.en", 16000, 1, 440, TimeSpan.FromMilliseconds(100));

        var missing = sink.Open("default:CARD=Headphones");
        var error = await Assert.ThrowsAsync<IOException>(() => missing.PlayAsync(tone, CancellationToken.None));

        Assert.Same(sink, sink.Open("default"));
        Assert.Equal("simulated:default:CARD=Headphones", missing.Name);
        Assert.Contains("no such device", error.Message);
        Assert.Empty(sink.Played);
    }
}
