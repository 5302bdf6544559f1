using Kiosk.Colors;
using Kiosk.Core.Checkpoint;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>The supervisor of the fleet loops, on a fake clock: fault → alert → back-off → restart → stable → clear.</summary>
public sealed class FleetLoopSupervisorTests
{
    private static readonly FleetOptions Options = new() { ReconnectMin = TimeSpan.FromSeconds(1), ReconnectMax = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task AThrowingLoopRaisesFleetFaultIsRestartedAfterItsBackoffAndTheAlertClearsWhenItStaysUp()
    {
        var time = new TimerCountingTimeProvider(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));
        var alerts = new InMemoryAlerts();
        var supervisor = new FleetLoopSupervisor(Microsoft.Extensions.Options.Options.Create(Options), alerts, time, NullLogger<FleetLoopSupervisor>.Instance, new Random(7));
        using var stop = new CancellationTokenSource();
        var runs = 0;
        var lastStart = DateTimeOffset.MinValue;
        var run = Task.Run(() => supervisor.RunAsync("status", async token =>
        {
            lastStart = time.GetUtcNow(); // before the count: a reader that sees the count sees this
            var n = Interlocked.Increment(ref runs);
            if (n <= 2)
            {
                throw new InvalidOperationException($"fault {n}");
            }

            await Task.Delay(Timeout.Infinite, token);
        }, stop.Token));

        // Each fault raises the alert, then waits its back-off on the clock: once that timer exists, time may move.
        await Poll.UntilAsync(() => time.TimersCreated >= 1, "the first back-off");
        Assert.Equal(1, Volatile.Read(ref runs));
        Assert.Contains(AlertKinds.FleetFault, alerts.Active);
        Assert.Contains("status", alerts.DetailOf(AlertKinds.FleetFault), StringComparison.Ordinal);

        // First back-off: at most ReconnectMin; second: at most 2 × ReconnectMin. (A restart creates the stable-period
        // timer, and a fault after it the next back-off.)
        time.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => Volatile.Read(ref runs) >= 2 && time.TimersCreated >= 3, "the first restart and the second back-off");
        time.Advance(TimeSpan.FromSeconds(2));
        await Poll.UntilAsync(() => Volatile.Read(ref runs) >= 3, "the second restart");
        Assert.Equal(2, supervisor.Restarts);
        Assert.Contains(AlertKinds.FleetFault, alerts.Active);

        // Up for ReconnectMax without a fault since the last restart: cleared (timers fire inside Advance), not before.
        var stableAt = lastStart + Options.ReconnectMax;
        time.Advance(stableAt - time.GetUtcNow() - TimeSpan.FromMilliseconds(1));
        Assert.Contains(AlertKinds.FleetFault, alerts.Active);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Poll.UntilAsync(() => !alerts.Active.Contains(AlertKinds.FleetFault), "fleet_fault cleared");
        Assert.Equal(2, alerts.History.Count); // raised once, cleared once

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ALoopThatReturnsIsNotRestartedAndStoppingEndsABackoff()
    {
        var time = new FakeTimeProvider();
        var alerts = new InMemoryAlerts();
        var supervisor = new FleetLoopSupervisor(Microsoft.Extensions.Options.Options.Create(Options), alerts, time, NullLogger<FleetLoopSupervisor>.Instance);
        var returns = 0;
        await supervisor.RunAsync("desired configuration", _ =>
        {
            Interlocked.Increment(ref returns);
            return Task.CompletedTask;
        }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, returns);
        Assert.Empty(alerts.Active);

        using var stop = new CancellationTokenSource();
        var faulting = supervisor.RunAsync("telemetry", _ => throw new IOException("disk"), stop.Token);
        await Poll.UntilAsync(() => alerts.Active.Contains(AlertKinds.FleetFault), "fleet_fault raised");
        await stop.CancelAsync();
        await faulting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, supervisor.Restarts);
    }

    /// <summary>A fake clock that counts the timers created on it (a back-off's delay, the stable period), so the test
    /// advances time only once the supervisor waits on it.</summary>
    private sealed class TimerCountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private int _timers;

        public int TimersCreated => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            return timer;
        }
    }
}
