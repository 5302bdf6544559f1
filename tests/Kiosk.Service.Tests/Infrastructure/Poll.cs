using System.Diagnostics;

namespace Kiosk.Service.Tests.Infrastructure;

/// <summary>
/// The one "wait until" of the tests: checks a condition until it holds or a bound passes (a guard against hanging,
/// not a timing assertion). Between checks it waits for a change signal when the caller has one, else briefly.
/// </summary>
/// <remarks>
/// On a virtual clock (<c>clock</c>: a <c>FakeTimeProvider</c>, the simulation's loop) the bound is counted on that
/// clock and the pause is a delay on it; a caller that drives a fake clock by hand advances it in <c>changed</c>.
/// </remarks>
internal static class Poll
{
    /// <summary>The bound when the caller gives none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The pause between checks when the caller gives neither a change signal nor a pause.</summary>
    public static readonly TimeSpan DefaultPause = TimeSpan.FromMilliseconds(20);

    /// <param name="condition">What must come true.</param>
    /// <param name="what">Named in the failure.</param>
    /// <param name="timeout">The bound (default 30 s).</param>
    /// <param name="changed">Waits (at most the given time) for a sign that the condition may have changed; default a 20 ms pause.</param>
    /// <param name="detail">More for the failure message (a log, a state), read only on failure.</param>
    /// <param name="pause">The pause between checks when there is no <paramref name="changed"/> (default 20 ms).</param>
    /// <param name="clock">The clock of the bound and of the default pause (default the system's).</param>
    /// <param name="cancellationToken">Stops waiting (throws <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="TimeoutException">The condition did not hold within the bound.</exception>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Func<TimeSpan, Task>? changed = null, Func<string>? detail = null, TimeSpan? pause = null, TimeProvider? clock = null, CancellationToken cancellationToken = default) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout, changed, detail, pause, clock, cancellationToken);

    /// <inheritdoc cref="UntilAsync(Func{bool}, string, TimeSpan?, Func{TimeSpan, Task}?, Func{string}?, TimeSpan?, TimeProvider?, CancellationToken)"/>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<TimeSpan, Task>? changed = null, Func<string>? detail = null, TimeSpan? pause = null, TimeProvider? clock = null, CancellationToken cancellationToken = default) =>
        ForAsync(condition, holds => holds, what, timeout, changed, detail is null ? null : _ => detail(), pause, clock, cancellationToken);

    /// <summary>Reads a value until it is what the caller waits for, and returns it.</summary>
    /// <param name="read">Reads the value (a message found, a screen captured).</param>
    /// <param name="done">True for the value waited for.</param>
    /// <param name="what">Named in the failure.</param>
    /// <param name="timeout">The bound (default 30 s).</param>
    /// <param name="changed">Waits (at most the given time) for a sign that the value may have changed; default a 20 ms pause.</param>
    /// <param name="detail">More for the failure message, given the last value read, read only on failure.</param>
    /// <param name="pause">The pause between reads when there is no <paramref name="changed"/> (default 20 ms).</param>
    /// <param name="clock">The clock of the bound and of the default pause (default the system's).</param>
    /// <param name="cancellationToken">Stops waiting (throws <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="TimeoutException">No value read within the bound was done.</exception>
    public static Task<T> ForAsync<T>(Func<T> read, Func<T, bool> done, string what, TimeSpan? timeout = null, Func<TimeSpan, Task>? changed = null, Func<T, string>? detail = null, TimeSpan? pause = null, TimeProvider? clock = null, CancellationToken cancellationToken = default) =>
        ForAsync(() => Task.FromResult(read()), done, what, timeout, changed, detail, pause, clock, cancellationToken);

    /// <inheritdoc cref="ForAsync{T}(Func{T}, Func{T, bool}, string, TimeSpan?, Func{TimeSpan, Task}?, Func{T, string}?, TimeSpan?, TimeProvider?, CancellationToken)"/>
    public static async Task<T> ForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null, Func<TimeSpan, Task>? changed = null, Func<T, string>? detail = null, TimeSpan? pause = null, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        var bound = timeout ?? DefaultTimeout;
        Func<TimeSpan> elapsed;
        if (clock is null)
        {
            var stopwatch = Stopwatch.StartNew();
            elapsed = () => stopwatch.Elapsed;
        }
        else
        {
            var started = clock.GetUtcNow();
            elapsed = () => clock.GetUtcNow() - started;
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (elapsed() > bound)
            {
                throw new TimeoutException($"waited {bound.TotalSeconds:0.#} s for {what}{(detail is null ? "" : $": {detail(value)}")}");
            }

            await (changed?.Invoke(TimeSpan.FromMilliseconds(200)) ?? Task.Delay(pause ?? DefaultPause, clock ?? TimeProvider.System, cancellationToken));
        }
    }
}
