using Kiosk.Service.Simulation;

namespace Kiosk.Service.Tests.Simulation;

public sealed class VirtualTimeTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnHourOfDelays_PlaysInstantly_AndInOrder()
    {
        var time = new VirtualTimeProvider(Start);
        var loop = new VirtualTimeLoop(time);
        var order = new List<string>();
        var end = loop.Run(async () =>
        {
            var a = Task.Run(() => { });
            await a;
            var slow = Worker("slow", TimeSpan.FromMinutes(40));
            var fast = Worker("fast", TimeSpan.FromMinutes(20));
            await Task.WhenAll(slow, fast);
            await Task.Delay(TimeSpan.FromMinutes(20), time);
            return time.GetUtcNow();
        });

        Assert.Equal(Start.AddHours(1), end);
        Assert.Equal(["fast", "slow"], order);

        async Task Worker(string name, TimeSpan delay)
        {
            await Task.Delay(delay, time);
            order.Add(name);
        }
    }

    [Fact]
    public void CancellationAfter_UsesVirtualTime()
    {
        var time = new VirtualTimeProvider(Start);
        var loop = new VirtualTimeLoop(time);
        var cancelledAt = loop.Run(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
            try
            {
                await Task.Delay(TimeSpan.FromHours(1), time, cts.Token);
            }
            catch (OperationCanceledException)
            {
                return time.GetUtcNow();
            }

            return DateTimeOffset.MinValue;
        });

        Assert.Equal(Start.AddSeconds(5), cancelledAt);
    }

    [Fact]
    public void PeriodicTimer_TicksInVirtualTime()
    {
        var time = new VirtualTimeProvider(Start);
        var loop = new VirtualTimeLoop(time);
        var ticks = loop.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100), time);
            var count = 0;
            while (count < 50 && await timer.WaitForNextTickAsync())
            {
                count++;
            }

            return count;
        });

        Assert.Equal(50, ticks);
        Assert.Equal(Start.AddSeconds(5), time.GetUtcNow());
    }

    [Fact]
    public void AStalledSimulation_Throws_InsteadOfHanging()
    {
        var time = new VirtualTimeProvider(Start);
        var loop = new VirtualTimeLoop(time, TimeSpan.FromMilliseconds(200));
        var never = new TaskCompletionSource<int>();
        var stalled = Assert.Throws<TimeoutException>(() => loop.Run(() => never.Task.WaitAsync(TimeSpan.FromMilliseconds(1)).ContinueWith(_ => 0, TaskScheduler.Default).ContinueWith(_ => never.Task).Unwrap()));
        Assert.Contains("stalled", stalled.Message);
    }
}
