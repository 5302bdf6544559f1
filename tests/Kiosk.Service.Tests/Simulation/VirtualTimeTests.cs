using Kiosk.Simulation;

namespace Kiosk.Service.Tests.Simulation;

public sealed class VirtualTimeTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnHourOfDelaysPlaysInstantlyAndInOrder()
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
    public void CancellationAfterUsesVirtualTime()
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
    public void PeriodicTimerTicksInVirtualTime()
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
    public void AStalledSimulationThrowsInsteadOfHanging()
    {
        var time = new VirtualTimeProvider(Start);
        var loop = new VirtualTimeLoop(time, TimeSpan.FromMilliseconds(200));
        var never = new TaskCompletionSource<int>();
        var stalled = Assert.Throws<TimeoutException>(() => loop.Run(() => never.Task.WaitAsync(TimeSpan.FromMilliseconds(1)).ContinueWith(_ => 0, TaskScheduler.Default).ContinueWith(_ => never.Task).Unwrap()));
        Assert.Contains("stalled", stalled.Message);
    }

    [Fact]
    public void WaitAsyncLetsTheClockRunAheadInlineAwaitDoesNot()
    {
        // A value arrives one virtual second in, well inside a one-minute timeout. Task.WaitAsync hands its
        // completion to the thread pool; while it is on its way the loop sees no work and fires the next timer,
        // here the timeout itself. InlineAwait resumes in the loop's own context: the value arrives at 1 s.
        var viaWaitAsync = Measure(async (time, channel) =>
            await channel.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1), time));
        var viaInline = Measure(async (time, channel) =>
            await Kiosk.Core.Threading.InlineAwait.WithTimeout(channel.Reader.ReadAsync(), TimeSpan.FromMinutes(1), time, CancellationToken.None));

        // Either the timeout won the race against the hop (the clock ran ahead), or the hop arrived from a
        // thread-pool thread: which one depends on the machine's load, and that is the bug.
        Assert.True(viaWaitAsync.Value == -1 || viaWaitAsync.Foreign > 0, $"WaitAsync: {viaWaitAsync}");
        Assert.Equal((42, Start.AddSeconds(1), 0L), viaInline);

        static (int Value, DateTimeOffset At, long Foreign) Measure(Func<TimeProvider, System.Threading.Channels.Channel<int>, Task<int>> read)
        {
            var time = new VirtualTimeProvider(Start);
            var loop = new VirtualTimeLoop(time);
            var (value, at) = loop.Run(async () =>
            {
                var channel = System.Threading.Channels.Channel.CreateUnbounded<int>();
                var reading = read(time, channel);
                await Task.Delay(TimeSpan.FromSeconds(1), time);
                channel.Writer.TryWrite(42);
                try
                {
                    return (await reading, time.GetUtcNow());
                }
                catch (TimeoutException)
                {
                    return (-1, time.GetUtcNow());
                }
            });
            return (value, at, loop.ForeignPosts);
        }
    }

    [Fact]
    public void InlineAwaitTimesOutOnTheVirtualClockAndFirstOfReportsTheOtherTaskEnding()
    {
        var time = new VirtualTimeProvider(Start);
        var loop = new VirtualTimeLoop(time);
        var (timedOutAt, otherEnded) = loop.Run(async () =>
        {
            var never = System.Threading.Channels.Channel.CreateUnbounded<int>();
            DateTimeOffset at = default;
            try
            {
                await Kiosk.Core.Threading.InlineAwait.WithTimeout(never.Reader.ReadAsync(), TimeSpan.FromSeconds(30), time, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                at = time.GetUtcNow();
            }

            var wanted = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var other = Task.Delay(TimeSpan.FromSeconds(5), time);
            string? message = null;
            try
            {
                await Kiosk.Core.Threading.InlineAwait.FirstOf(wanted.Task, other, _ => new InvalidOperationException("other ended"), CancellationToken.None);
            }
            catch (InvalidOperationException ex)
            {
                message = ex.Message;
            }

            return (at, message);
        });

        Assert.Equal(Start.AddSeconds(30), timedOutAt);
        Assert.Equal("other ended", otherEnded);
        Assert.Equal(0, loop.ForeignPosts);
    }
}
