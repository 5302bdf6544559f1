namespace Kiosk.Core.Threading;

/// <summary>
/// Waits with a timeout, or for the first of two tasks, resuming the way a plain <c>await</c> does: in the caller's
/// synchronization context when it has one, never by way of the thread pool.
/// </summary>
/// <remarks>
/// <see cref="Task.WaitAsync(TimeSpan, TimeProvider, CancellationToken)"/> and <see cref="Task.WhenAny(Task, Task)"/>
/// complete their promises on the thread pool when the awaited task runs its continuations asynchronously (as
/// channels and most I/O do). On the device that is one thread-pool hop per camera frame. In a simulation it breaks
/// virtual time: the <see cref="Simulation.VirtualTimeLoop"/> moves the clock whenever nothing is queued, and a
/// continuation still on its way through the thread pool is not queued yet, so the clock runs ahead of the kiosk
/// by however long the hop takes on a busy machine.
/// </remarks>
public static class InlineAwait
{
    /// <summary>
    /// The outcome of <paramref name="operation"/>; a <see cref="TimeoutException"/> when it has not completed after
    /// <paramref name="timeout"/> on <paramref name="time"/> (the operation itself is left running); cancellation.
    /// </summary>
    public static Task<T> WithTimeout<T>(ValueTask<T> operation, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (operation.IsCompleted)
        {
            return operation.AsTask();
        }

        var outcome = new TaskCompletionSource<T>();
        var timer = time.CreateTimer(static s => ((TaskCompletionSource<T>)s!).TrySetException(new TimeoutException()), outcome, timeout, Timeout.InfiniteTimeSpan);
        var registration = cancellationToken.UnsafeRegister(static (s, token) => ((TaskCompletionSource<T>)s!).TrySetCanceled(token), outcome);
        var awaiter = operation.GetAwaiter();
        awaiter.UnsafeOnCompleted(() => Complete(outcome, awaiter.GetResult));
        return Finally(outcome.Task, timer, registration);
    }

    /// <summary>
    /// The result of <paramref name="wanted"/>, or the exception <paramref name="otherEnded"/> makes when
    /// <paramref name="other"/> completes first (e.g. the loop that should set it has ended); cancellation.
    /// </summary>
    public static Task<T> FirstOf<T>(Task<T> wanted, Task other, Func<Task, Exception> otherEnded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(otherEnded);
        if (wanted.IsCompleted)
        {
            return wanted;
        }

        var outcome = new TaskCompletionSource<T>();
        var registration = cancellationToken.UnsafeRegister(static (s, token) => ((TaskCompletionSource<T>)s!).TrySetCanceled(token), outcome);
        var wantedAwaiter = wanted.GetAwaiter();
        wantedAwaiter.UnsafeOnCompleted(() => Complete(outcome, wantedAwaiter.GetResult));
        other.GetAwaiter().UnsafeOnCompleted(() => outcome.TrySetException(otherEnded(other)));
        return Finally(outcome.Task, null, registration);
    }

    private static void Complete<T>(TaskCompletionSource<T> outcome, Func<T> getResult)
    {
        try
        {
            outcome.TrySetResult(getResult());
        }
        catch (OperationCanceledException ex)
        {
            outcome.TrySetCanceled(ex.CancellationToken);
        }
        catch (Exception ex)
        {
            outcome.TrySetException(ex);
        }
    }

    private static async Task<T> Finally<T>(Task<T> task, ITimer? timer, CancellationTokenRegistration registration)
    {
        try
        {
            return await task;
        }
        finally
        {
            timer?.Dispose();
            registration.Dispose();
        }
    }
}
