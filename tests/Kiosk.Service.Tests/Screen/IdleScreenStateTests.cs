using HealthCode.Formats;
using HealthCode.Formats.Identity;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Service.Tests.Deploy;
using Kiosk.Simulation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kiosk.Service.Tests.Screen;

/// <summary>
/// The idle screen follows the kiosk's state within a second (issue 21, "The screen lies"): the checkpoint loop with the
/// real <see cref="KioskStatus"/> and <see cref="AlertCenter"/>, a color store and a fleet link the test changes, in
/// virtual time.
/// </summary>
public sealed class IdleScreenStateTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 1, 0, 0, TimeSpan.Zero);

    private readonly VirtualTimeProvider _time = new(Start);
    private readonly Connectivity _link = new();
    private readonly ChangingColorStore _colors = new();
    private readonly List<(double At, VisitorPrompt Prompt, bool Redraw)> _screens = [];
    private AlertCenter? _alerts;

    public IdleScreenStateTests() => _link.Online = true;

    private double Now => (_time.GetUtcNow() - Start).TotalSeconds;

    private AlertCenter Alerts => _alerts ??= new AlertCenter(_time, new InMemoryEventSequence(), [], NullLogger<AlertCenter>.Instance);

    [Fact]
    public void AKioskStartedBeforeItsColorDataShowsTheIdleScreenWithinASecondOfTheFeedArriving()
    {
        _link.Online = false;
        Run(async () =>
        {
            await At(20);
            _link.Online = true;
            await At(30.2);
            _colors.State = Synced(_time.GetUtcNow());
            await At(35);
        });

        Assert.Equal(PromptKind.Offline, _screens[0].Prompt.Kind);
        Assert.Equal("data", _screens[0].Prompt.Detail);
        var online = _screens.First(s => s.Prompt.Status.Online);
        Assert.InRange(online.At, 20, 21);
        var idle = _screens.First(s => s.Prompt.Kind == PromptKind.Idle);
        Assert.InRange(idle.At, 30.2, 31.2);
        Assert.False(idle.Redraw);
        Assert.InRange(idle.Prompt.Status.ColorDataAge!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void TheStripSaysOfflineWithinASecondOfTheLinkDroppingAndOnlineWithinASecondOfItComingBack()
    {
        _colors.State = Synced(Start);
        Run(async () =>
        {
            await At(5.5);
            _link.Online = false;
            await At(12.3);
            _link.Online = true;
            await At(15);
        });

        var down = _screens.First(s => !s.Prompt.Status.Online);
        Assert.InRange(down.At, 5.5, 6.5);
        Assert.True(down.Redraw);
        Assert.Equal(PromptKind.Idle, down.Prompt.Kind);
        var up = _screens.First(s => s.At > down.At && s.Prompt.Status.Online);
        Assert.InRange(up.At, 12.3, 13.3);
    }

    [Fact]
    public void AnIdleKioskRedrawsTheClockAndTheDataAgeAtLeastOnceAMinuteAndOnlyWhenTheyChange()
    {
        _colors.State = Synced(Start.AddMinutes(-5));
        Run(() => At(10 * 60 + 0.5));

        var clock = _screens.Select(s => s.Prompt.Status.At).ToList();
        for (var minute = 1; minute <= 10; minute++)
        {
            Assert.Contains(clock, at => at >= Start.AddMinutes(minute) && at < Start.AddMinutes(minute).AddSeconds(1));
        }

        // The strip shows minutes here (the data is older than a minute): one frame a minute, not one a second.
        Assert.Equal(11, _screens.Count);
        Assert.All(_screens.Skip(1), s => Assert.True(s.Redraw));
        Assert.Equal(TimeSpan.FromMinutes(15), _screens[^1].Prompt.Status.ColorDataAge);
    }

    [Fact]
    public void AClockFaultAndADeviceFaultShowWithinASecondAndTheIdleScreenReturnsWhenTheyClear()
    {
        _colors.State = Synced(Start);
        Run(async () =>
        {
            await At(3.4);
            _colors.State = _colors.State with { LatestSignedAt = Start.AddHours(1) };
            await At(8.1);
            _colors.State = Synced(Start);
            await At(12.6);
            Alerts.Raise(AlertKinds.ThermometerFault, "no answer on I2C");
            await At(20.2);
            Alerts.Clear(AlertKinds.ThermometerFault);
            await At(25);
        });

        var kinds = _screens.Where(s => !s.Redraw).Select(s => (s.Prompt.Kind, s.Prompt.Detail)).ToList();
        Assert.Equal(
            [(PromptKind.Idle, null), (PromptKind.Offline, "clock"), (PromptKind.Idle, null), (PromptKind.Fault, "thermometer"), (PromptKind.Idle, null)],
            kinds);
        var times = _screens.Where(s => !s.Redraw).Select(s => s.At).ToList();
        Assert.InRange(times[1], 3.4, 4.4);
        Assert.InRange(times[2], 8.1, 9.1);
        Assert.InRange(times[3], 12.6, 13.6);
        Assert.InRange(times[4], 20.2, 21.2);
    }

    [Fact]
    public void AVisitorsDecisionIsNotOverdrawnByTheIdleRefresh()
    {
        _colors.State = Synced(Start);
        var camera = new PushedCodeReader();
        Run(
            async () =>
            {
                await At(5);
                camera.Show(new CodeSighting(_time.GetUtcNow(), "code-1"));
                await At(5.5);
                _link.Online = false;
                await At(30);
            },
            camera);

        var pass = _screens.FindIndex(s => s.Prompt.Kind == PromptKind.Pass);
        Assert.True(pass > 0, "the visitor passed");
        var next = _screens[pass + 1];
        Assert.Equal(PromptKind.Idle, next.Prompt.Kind);
        Assert.False(next.Redraw);
        Assert.InRange(next.At, _screens[pass].At + new CheckpointOptions().PassHold.TotalSeconds - 0.01, 30);
        Assert.False(next.Prompt.Status.Online);
    }

    [Fact]
    public void ACodeSeenButNotReadForASecondBringsTheAimingHelpOnceAndItGoesWhenTheCodeLeaves()
    {
        _colors.State = Synced(Start);
        var camera = new PushedCodeReader();
        Run(
            async () =>
            {
                // A code too far to read, seen at 30 frames a second from 2.0 s to 6.0 s; then nothing.
                await Frames(camera, 2.0, 6.0, seen: true);
                await Frames(camera, 6.0, 9.0, seen: false);
            },
            camera);

        var aiming = _screens.Where(s => s.Prompt.Kind == PromptKind.Aiming).ToList();
        Assert.NotEmpty(aiming);
        // Seen over a second (2.0 .. 3.0), shown as soon as the loop looks again (every 50 ms once the episode is old enough).
        Assert.InRange(aiming[0].At, 2.0 + new CheckpointOptions().AimingHelpAfter.TotalSeconds, 3.1);
        Assert.False(aiming[0].Redraw);
        Assert.Single(aiming, s => !s.Redraw);
        Assert.False(aiming[0].Prompt.OffersCard);

        // Gone once no code was seen for Checkpoint:GoneAfter; the idle screen is drawn again, not announced again.
        var back = _screens.First(s => s.At > aiming[0].At && s.Prompt.Kind == PromptKind.Idle);
        Assert.Equal(6.0 - (1.0 / 30) + new CheckpointOptions().GoneAfter.TotalSeconds, back.At, 2);
        Assert.True(back.Redraw);
        Assert.DoesNotContain(_screens, s => s.At > back.At && s.Prompt.Kind == PromptKind.Aiming);
    }

    [Fact]
    public void AnUnreadableCodeSeenForLessThanASecondGivesNoAimingHelp()
    {
        _colors.State = Synced(Start);
        var camera = new PushedCodeReader();
        Run(
            async () =>
            {
                await Frames(camera, 2.0, 2.9, seen: true);
                await Frames(camera, 2.9, 5.0, seen: false);
                await Frames(camera, 5.0, 5.9, seen: true);
                await Frames(camera, 5.9, 8.0, seen: false);
            },
            camera);

        Assert.DoesNotContain(_screens, s => s.Prompt.Kind == PromptKind.Aiming);
    }

    [Fact]
    public void TheAimingHelpEndsWhenTheCodeIsReadAndTheVisitorIsDecided()
    {
        _colors.State = Synced(Start);
        var camera = new PushedCodeReader();
        Run(
            async () =>
            {
                await Frames(camera, 1.0, 3.5, seen: true);
                await Frames(camera, 3.5, 4.0, seen: false, text: "code-1");
                await Frames(camera, 4.0, 12.0, seen: false);
            },
            camera);

        var kinds = _screens.Where(s => !s.Redraw).Select(s => s.Prompt.Kind).ToList();
        Assert.Equal([PromptKind.Idle, PromptKind.Aiming, PromptKind.Measuring, PromptKind.Pass, PromptKind.Idle], kinds);
        var pass = _screens.First(s => s.Prompt.Kind == PromptKind.Pass);
        Assert.InRange(pass.At, 3.5, 3.6);
        Assert.DoesNotContain(_screens, s => s.At > pass.At && s.Prompt.Kind == PromptKind.Aiming);
    }

    [Fact]
    public void APausedKioskGivesNoAimingHelpAndTheHelpIsOffWhenItsDelayIsZero()
    {
        Run(async () => await Frames(_camera, 1.0, 4.0, seen: true), _camera);
        Assert.DoesNotContain(_screens, s => s.Prompt.Kind == PromptKind.Aiming);
        Assert.Equal(PromptKind.Offline, _screens[0].Prompt.Kind);

        _screens.Clear();
        _colors.State = Synced(_time.GetUtcNow());
        var camera = new PushedCodeReader();
        Run(async () => await Frames(camera, 6.0, 9.0, seen: true), camera, new CheckpointOptions { AimingHelpAfter = TimeSpan.Zero });
        Assert.NotEmpty(_screens);
        Assert.DoesNotContain(_screens, s => s.Prompt.Kind == PromptKind.Aiming);
    }

    private readonly PushedCodeReader _camera = new();

    /// <summary>Camera sightings at 30 frames a second from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive).</summary>
    private async Task Frames(PushedCodeReader camera, double from, double to, bool seen, string? text = null)
    {
        for (var frame = 0; from + frame / 30.0 < to - 1e-9; frame++)
        {
            await At(from + frame / 30.0);
            camera.Show(new CodeSighting(_time.GetUtcNow(), text, seen));
        }

        await At(to);
    }

    private static ColorDataState Synced(DateTimeOffset at) => new("CN-HL", 1, at, at, 0, false);

    private Task At(double seconds)
    {
        var wait = Start.AddSeconds(seconds) - _time.GetUtcNow();
        return wait > TimeSpan.Zero ? Task.Delay(wait, _time) : Task.CompletedTask;
    }

    private void Run(Func<Task> script, PushedCodeReader? camera = null, CheckpointOptions? options = null)
    {
        var loopContext = new VirtualTimeLoop(_time);
        loopContext.Run(async () =>
        {
            var checkpoint = new FixedOptionsMonitor<CheckpointOptions>(options ?? new CheckpointOptions());
            var status = new KioskStatus(Alerts, _colors, _link, checkpoint, "kiosk-01");
            var loop = new CheckpointLoop(
                new PresentationPumps(camera ?? new PushedCodeReader(), checkpoint, _time, new ListLogger<PresentationPumps>()),
                new ValidGreenVerifier(),
                _colors,
                new InstantThermometer(),
                new VisitorOutputs(new RecordingScreen(this), new SilentIndicators(), status),
                new NoReporter(),
                checkpoint,
                _time,
                new ListLogger<CheckpointLoop>());
            using var stop = new CancellationTokenSource();
            var ready = new TaskCompletionSource();
            loop.Ready += () => ready.TrySetResult();
            var running = loop.RunAsync(stop.Token);
            await ready.Task;
            await script();
            stop.Cancel();
            await running;
            return 0;
        });
        Assert.Equal(0, loopContext.ForeignPosts);
    }

    private sealed class ChangingColorStore : IColorStore
    {
        public ColorDataState State { get; set; } = new("CN-HL", null, null, null, 0, false);

        public bool TryLookup(string issuer, CodeId id, out HealthColor color, out long colorTime)
        {
            color = HealthColor.Green;
            colorTime = 1;
            return true;
        }

        public bool TryLookupDocument(DocRef docRef, out HealthColor color, out long colorTime)
        {
            color = default;
            colorTime = 0;
            return false;
        }
    }

    private sealed class InstantThermometer : IBodyThermometer
    {
        public Task<TemperatureResult> MeasureAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new TemperatureResult(36.6, null, 22, false));
    }

    private sealed class NoReporter : IDecisionReporter
    {
        public void Report(DecisionRecord record)
        {
        }
    }

    private sealed class RecordingScreen(IdleScreenStateTests test) : IScreen
    {
        public void Show(VisitorPrompt prompt) => test._screens.Add((test.Now, prompt, false));

        public void Redraw(VisitorPrompt prompt) => test._screens.Add((test.Now, prompt, true));
    }
}
