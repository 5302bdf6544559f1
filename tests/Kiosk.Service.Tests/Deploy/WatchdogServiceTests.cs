using Kiosk.Core.Checkpoint;
using Kiosk.Service.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Deploy;

/// <summary>
/// The systemd watchdog (kiosk.service: <c>WatchdogSec=30</c>, so <c>WATCHDOG_USEC=30000000</c>): pings at half the
/// interval while the checkpoint makes progress, none while it is stuck, so systemd restarts the kiosk.
/// </summary>
public sealed class WatchdogServiceTests
{
    private const string WatchdogUsec = "30000000";
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PingsEvery15sWhileHealthyAndWithholdsWhileStuck()
    {
        var time = new FakeTimeProvider(Start);
        var log = new WatchdogLog(time);
        var health = new ScriptedHealth(log);
        var logger = new ListLogger<WatchdogService>();
        var watchdog = new WatchdogService(new RecordingNotifier(log), health, time, logger, WatchdogUsec);
        Assert.Equal(TimeSpan.FromSeconds(15), watchdog.Interval);

        await watchdog.StartAsync(CancellationToken.None);
        await log.NextCheckAsync();
        await Tick(time, log);
        health.Set("checkpoint stuck in Measuring for 30 s");
        await Tick(time, log);
        await Tick(time, log);
        health.Set(null);
        await Tick(time, log);
        await watchdog.StopAsync(CancellationToken.None);

        Assert.Equal(
            [
                "check@0 ok", "WATCHDOG=1",
                "check@15 ok", "WATCHDOG=1",
                "check@30 checkpoint stuck in Measuring for 30 s",
                "check@45 checkpoint stuck in Measuring for 30 s",
                "check@60 ok", "WATCHDOG=1",
            ],
            log.Entries);
        Assert.Equal(3, watchdog.Pings);

        // The problem is logged once when it starts, not at every withheld ping.
        var error = Assert.Single(logger.Messages, m => m.Level == LogLevel.Error);
        Assert.Equal("Watchdog withheld: checkpoint stuck in Measuring for 30 s", error.Message);
    }

    [Fact]
    public async Task StopsPingingWhenTheCheckpointLoopHangsInTheThermometer()
    {
        var time = new FakeTimeProvider(Start);
        var reader = new PushedCodeReader();
        var thermometer = new HungThermometer();
        var checkpoint = new FixedOptionsMonitor<CheckpointOptions>(new CheckpointOptions());
        var loop = new CheckpointLoop(
            new PresentationPumps(reader, checkpoint, time, new ListLogger<PresentationPumps>()),
            new ValidGreenVerifier(),
            new InSyncColorStore(Start),
            thermometer,
            new VisitorOutputs(new BlankScreen(), new SilentIndicators(), new IdleStatus()),
            new DiscardingReporter(),
            checkpoint,
            time,
            new ListLogger<CheckpointLoop>());
        var log = new WatchdogLog(time);
        var health = new RecordedHealth(new CheckpointHealth(loop, maxStage: TimeSpan.FromSeconds(20)), log);
        var logger = new ListLogger<WatchdogService>();
        var watchdog = new WatchdogService(new RecordingNotifier(log), health, time, logger, WatchdogUsec);
        using var stop = new CancellationTokenSource();

        var running = loop.RunAsync(stop.Token);
        await watchdog.StartAsync(CancellationToken.None);
        await log.NextCheckAsync();

        // A visitor shows a valid green code: rules 1-7 pass, the kiosk measures, and the thermometer never answers.
        reader.Show(new CodeSighting(time.GetUtcNow(), "HCN1:visitor"));
        await thermometer.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(CheckpointPhase.Measuring, loop.Phase);

        await Tick(time, log);
        await Tick(time, log);
        await Tick(time, log);
        await watchdog.StopAsync(CancellationToken.None);
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(
            [
                "check@0 ok", "WATCHDOG=1",
                "check@15 ok", "WATCHDOG=1",
                "check@30 checkpoint stuck in Measuring for 30 s",
                "check@45 checkpoint stuck in Measuring for 45 s",
            ],
            log.Entries);
        Assert.Contains(logger.Messages, m => m.Level == LogLevel.Error && m.Message.Contains("stuck in Measuring", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("thirty")]
    public async Task SendsNothingWhenSystemdAskedForNoWatchdog(string? watchdogUsec)
    {
        var time = new FakeTimeProvider(Start);
        var log = new WatchdogLog(time);
        var watchdog = new WatchdogService(new RecordingNotifier(log), new ScriptedHealth(log), time, new ListLogger<WatchdogService>(), watchdogUsec);

        await watchdog.StartAsync(CancellationToken.None);
        await (watchdog.ExecuteTask ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(30));
        await watchdog.StopAsync(CancellationToken.None);

        Assert.Null(watchdog.Interval);
        Assert.Empty(log.Entries);
        Assert.Equal(0, watchdog.Pings);
    }

    /// <summary>One watchdog period of virtual time, then wait for the check it causes.</summary>
    private static Task Tick(FakeTimeProvider time, WatchdogLog log)
    {
        time.Advance(TimeSpan.FromSeconds(15));
        return log.NextCheckAsync();
    }
}
