using System.Diagnostics;

namespace Kiosk.Service.Tests.Infrastructure;

/// <summary>
/// The one "wait until" of the tests: checks a condition until it holds or a bound passes (a guard against hanging,
/// not a timing assertion). Between checks it waits for a change signal when the caller has one, else briefly.
/// </summary>
internal static class Poll
{
    /// <summary>The bound when the caller gives none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <param name="condition">What must come true.</param>
    /// <param name="what">Named in the failure.</param>
    /// <param name="timeout">The bound (default 30 s).</param>
    /// <param name="changed">Waits (at most the given time) for a sign that the condition may have changed; default a 20 ms pause.</param>
    /// <param name="detail">More for the failure message (a log, a state), read only on failure.</param>
    /// <exception cref="TimeoutException">The condition did not hold within the bound.</exception>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Func<TimeSpan, Task>? changed = null, Func<string>? detail = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout, changed, detail);

    /// <inheritdoc cref="UntilAsync(Func{bool}, string, TimeSpan?, Func{TimeSpan, Task}?, Func{string}?)"/>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<TimeSpan, Task>? changed = null, Func<string>? detail = null)
    {
        var bound = timeout ?? DefaultTimeout;
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > bound)
            {
                throw new TimeoutException($"waited {bound.TotalSeconds:0.#} s for {what}{(detail is null ? "" : $": {detail()}")}");
            }

            await (changed?.Invoke(TimeSpan.FromMilliseconds(200)) ?? Task.Delay(20));
        }
    }
}
