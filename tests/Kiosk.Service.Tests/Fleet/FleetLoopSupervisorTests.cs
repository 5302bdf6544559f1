using Kiosk.Core.Checkpoint;
using Kiosk.Colors;
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
    public async Task AThrowingLoop_RaisesFleetFault_IsRestartedAfterItsBackoff_AndTheAlertClearsWhenItStaysUp()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));
        var alerts = new InMemoryAlerts();
        var supervisor = new FleetLoopSupervisor(Microsoft.Extensions.Options.Options.Create(Options), alerts, time, NullLogger<FleetLoopSupervisor>.Instance, new Random(7));
        using var stop = new CancellationTokenSource();
        var runs = 0;
        var running = new SemaphoreSlim(0);
        var run = Task.Run(() => supervisor.RunAsync("status", async token =>
        {
            var n = Interlocked.Increment(ref runs);
            running.Release();
            if (n <= 2)
            {
                throw new InvalidOperationException($"fault {n}");
            }

            await Task.Delay(Timeout.Infinite, token);
        }, stop.Token));

        Assert.True(await running.WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitAsync(() => alerts.Active.Contains(AlertKinds.FleetFault));
        Assert.Contains("status", alerts.DetailOf(AlertKinds.FleetFault), StringComparison.Ordinal);

        // First back-off: at most ReconnectMin; second: at most 2 × ReconnectMin.
        await AdvanceUntilAsync(time, () => Volatile.Read(ref runs) >= 2, TimeSpan.FromSeconds(1));
        await AdvanceUntilAsync(time, () => Volatile.Read(ref runs) >= 3, TimeSpan.FromSeconds(2));
        Assert.Equal(2, supervisor.Restarts);
        Assert.Contains(AlertKinds.FleetFault, alerts.Active);

        // Up for ReconnectMax without a fault: cleared.
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Contains(AlertKinds.FleetFault, alerts.Active);
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitAsync(() => !alerts.Active.Contains(AlertKinds.FleetFault));
        Assert.Equal(2, alerts.History.Count); // raised once, cleared once

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ALoopThatReturns_IsNotRestarted_AndStoppingEndsABackoff()
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
        await WaitAsync(() => alerts.Active.Contains(AlertKinds.FleetFault));
        await stop.CancelAsync();
        await faulting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, supervisor.Restarts);
    }

    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition, TimeSpan atMost)
    {
        var step = TimeSpan.FromMilliseconds(50);
        for (var elapsed = TimeSpan.Zero; elapsed <= atMost; elapsed += step)
        {
            if (await PollAsync(condition))
            {
                return;
            }

            time.Advance(step);
        }

        Assert.True(await PollAsync(condition), $"not restarted within {atMost}");
    }

    private static async Task<bool> PollAsync(Func<bool> condition)
    {
        for (var i = 0; i < 20 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        return condition();
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached");
            await Task.Delay(5);
        }
    }
}
