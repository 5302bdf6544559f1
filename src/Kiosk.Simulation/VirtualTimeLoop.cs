using System.Collections.Concurrent;

namespace Kiosk.Simulation;

/// <summary>
/// Runs an async entry point on one thread with a <see cref="VirtualTimeProvider"/>: drains posted work,
/// and when none is left jumps the clock to the next timer.
/// </summary>
public sealed class VirtualTimeLoop : SynchronizationContext
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly VirtualTimeProvider _time;
    private readonly TimeSpan _externalWorkGrace;
    private int _loopThreadId;

    /// <param name="time">The clock to drive.</param>
    /// <param name="externalWorkGrace">When nothing is queued and no timer is pending, how long (real time) to wait for work posted from another thread (real I/O) before declaring a stall.</param>
    public VirtualTimeLoop(VirtualTimeProvider time, TimeSpan? externalWorkGrace = null)
    {
        _time = time;
        _externalWorkGrace = externalWorkGrace ?? TimeSpan.FromSeconds(10);
        _time.Dispatch = action => Post(static s => ((Action)s!)(), action);
    }

    private long _foreignPosts;

    /// <summary>
    /// Work posted from another thread while the loop ran. Each one is a moment when the clock could have moved
    /// while the work was on its way (see <see cref="Threading.InlineAwait"/>); a deterministic simulation has none
    /// but real I/O (the fleet's broker, for instance).
    /// </summary>
    public long ForeignPosts => Interlocked.Read(ref _foreignPosts);

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (_loopThreadId != 0 && Environment.CurrentManagedThreadId != _loopThreadId)
        {
            Interlocked.Increment(ref _foreignPosts);
        }

        _queue.Add((d, state));
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (Environment.CurrentManagedThreadId == _loopThreadId)
        {
            d(state);
            return;
        }

        using var done = new ManualResetEventSlim();
        Exception? error = null;
        Post(
            _ =>
            {
                try
                {
                    d(state);
                }
                catch (Exception ex)
                {
                    error = ex;
                }
                finally
                {
                    done.Set();
                }
            },
            null);
        done.Wait();
        if (error is not null)
        {
            throw new InvalidOperationException("A callback sent to the simulation loop failed.", error);
        }
    }

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="main"/> to completion in virtual time and returns its result.</summary>
    /// <exception cref="TimeoutException">Everything waits and no timer is left: the scenario cannot make progress.</exception>
    public T Run<T>(Func<Task<T>> main)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        _loopThreadId = Environment.CurrentManagedThreadId;
        try
        {
            var task = main();
            while (!task.IsCompleted)
            {
                if (_queue.TryTake(out var item))
                {
                    item.Callback(item.State);
                    continue;
                }

                if (_time.TryPeekNextDue(out var due))
                {
                    _time.AdvanceTo(due);
                    continue;
                }

                // Nothing queued and no timer: wait a while for work from another thread (real I/O), then give up.
                if (_queue.TryTake(out item, _externalWorkGrace))
                {
                    item.Callback(item.State);
                    continue;
                }

                throw new TimeoutException("The simulation stalled: every task waits and no timer is pending.");
            }

            // Let already-posted continuations (e.g. disposal) finish.
            while (_queue.TryTake(out var rest))
            {
                rest.Callback(rest.State);
            }

            return task.GetAwaiter().GetResult();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
