using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Camera;
using Kiosk.Drivers.Camera;
using Kiosk.Service.Tests.Temperature;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Camera;

public class CameraCodeReaderTests
{
    private static readonly CameraOptions Options = new()
    {
        Source = CameraSourceKind.Simulated, Width = 640, Height = 480, FramesPerSecond = 10,
        StallTimeout = TimeSpan.FromSeconds(1), RetryInitialDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(8),
    };

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T08:00:00Z"));
    private readonly RecordingAlerts _alerts = new();

    [Fact]
    public async Task EveryFrameGivesOneSightingAndSkippedFramesRepeatTheLast()
    {
        await using var camera = new SimulatedCamera(Options, _time);
        camera.Show(new SimulatedScene.QrText("at the door"));
        var reader = Reader(camera);
        await using var sightings = reader.ReadAsync(CancellationToken.None).GetAsyncEnumerator();
        for (var i = 0; i < 3; i++)
        {
            var sighting = await NextAsync(sightings);
            Assert.Equal("at the door", sighting.Text);
            Assert.Equal(_time.GetUtcNow(), sighting.At);
        }

        Assert.Equal(1, reader.FramesDecoded);
        camera.Show(new SimulatedScene.Empty(false));
        Assert.Null((await NextAsync(sightings)).Text);
        Assert.Empty(_alerts.Calls);
    }

    [Fact]
    public async Task VanishingCameraRaisesCameraFaultRetriesWithBackoffAndClearsOnRecovery()
    {
        await using var camera = new SimulatedCamera(Options, _time);
        camera.Show(new SimulatedScene.QrText("still there"));
        await using var sightings = Reader(camera).ReadAsync(CancellationToken.None).GetAsyncEnumerator();
        Assert.Equal("still there", (await NextAsync(sightings)).Text);

        camera.Vanish();
        var next = sightings.MoveNextAsync().AsTask();
        var vanishedAt = _time.GetUtcNow();
        await PumpUntilAsync(() => _alerts.Calls.Count(c => c.Call == "raise") >= 3);
        Assert.False(next.IsCompleted);
        Assert.Contains(AlertKinds.CameraFault, _alerts.Active);
        Assert.All(_alerts.Calls, c => Assert.Equal(("raise", AlertKinds.CameraFault), (c.Call, c.Kind)));

        // Fault, wait 1 s, reopen fails, wait 2 s, reopen fails: the third raise comes about 3 s after the first.
        Assert.InRange(_time.GetUtcNow() - vanishedAt, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.5));

        camera.Reconnect();
        await PumpUntilAsync(() => next.IsCompleted);
        Assert.True(await next);
        Assert.Equal("still there", sightings.Current.Text);
        Assert.DoesNotContain(AlertKinds.CameraFault, _alerts.Active);
        Assert.Equal(("clear", AlertKinds.CameraFault), (_alerts.Calls[^1].Call, _alerts.Calls[^1].Kind));
    }

    [Fact]
    public async Task StalledCameraIsDetectedByFrameAge()
    {
        await using var camera = new SimulatedCamera(Options, _time);
        camera.Show(new SimulatedScene.Empty(false));
        await using var sightings = Reader(camera).ReadAsync(CancellationToken.None).GetAsyncEnumerator();
        await NextAsync(sightings);
        camera.Stall();
        var next = sightings.MoveNextAsync().AsTask();
        await PumpUntilAsync(() => _alerts.Active.Count > 0);
        Assert.Contains("stalled", _alerts.Calls[0].Detail);
        camera.Stall(false);
        await PumpUntilAsync(() => next.IsCompleted);
        Assert.True(await next);
        Assert.Empty(_alerts.Active);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task RpicamThatDiesRaisesCameraFaultIsRetriedAndRecovers()
    {
        // Run 1: two frames then death; runs 2 and 3: death before any frame; run 4: frames again.
        using var fake = new Kiosk.Drivers.Tests.Camera.FakeRpicam(new SimulatedScene.QrText("through the pipe"), 640, 480, 2, 0, 0, 3);
        var options = new CameraOptions
        {
            Source = CameraSourceKind.RpiCam, Width = 640, Height = 480, FramesPerSecond = 10, RpicamCommand = fake.Command,
            StallTimeout = TimeSpan.FromSeconds(60), RetryInitialDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(8),
        };
        var reader = new CameraCodeReader(new RpicamFrameSource(options, _time), _alerts, _time, Microsoft.Extensions.Options.Options.Create(options), NullLogger<CameraCodeReader>.Instance);
        await using var sightings = reader.ReadAsync(CancellationToken.None).GetAsyncEnumerator();
        Assert.Equal("through the pipe", (await NextAsync(sightings)).Text);
        Assert.Equal("through the pipe", (await NextAsync(sightings)).Text);
        Assert.Empty(_alerts.Calls);

        Assert.Equal("through the pipe", (await NextAsync(sightings)).Text);
        Assert.Equal(4, fake.Runs);
        Assert.Equal(["raise", "raise", "clear"], _alerts.Calls.Select(c => c.Call));
        Assert.All(_alerts.Calls, c => Assert.Equal(AlertKinds.CameraFault, c.Kind));
        Assert.Contains("camera unplugged", _alerts.Calls[0].Detail);
        Assert.Empty(_alerts.Active);
    }

    private CameraCodeReader Reader(IFrameSource source) =>
        new(source, _alerts, _time, Microsoft.Extensions.Options.Options.Create(Options), NullLogger<CameraCodeReader>.Instance);

    // Pumps on the thread pool, outside xunit's synchronization context, so the fake clock runs every continuation inline and in order.
    private Task<CodeSighting> NextAsync(IAsyncEnumerator<CodeSighting> sightings) => Task.Run(async () =>
    {
        var next = sightings.MoveNextAsync().AsTask();
        await PumpUntilAsync(() => next.IsCompleted);
        Assert.True(await next);
        return sightings.Current;
    });

    // Advances virtual time in 10 ms steps until the condition holds (at most 200 virtual seconds), pausing 1 ms before
    // each step to let the real work (rendering, decoding) run in between.
    private Task PumpUntilAsync(Func<bool> done) =>
        Poll.UntilAsync(
            done,
            "the condition",
            TimeSpan.FromSeconds(200),
            changed: async _ =>
            {
                await Task.Delay(1);
                if (!done())
                {
                    _time.Advance(TimeSpan.FromMilliseconds(10));
                }
            },
            clock: _time);
}
