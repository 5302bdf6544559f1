namespace Kiosk.Simulation;

/// <summary>
/// A discrete-event clock for scenarios: time stands still while there is work to do and jumps to the next
/// timer when everything waits, so an hour of visitors plays in seconds and every run is identical.
/// </summary>
/// <remarks>
/// All work runs on one thread under <see cref="VirtualTimeLoop"/>'s synchronization context. Timers created
/// through this provider (<c>Task.Delay(t, provider)</c>, <c>CancellationTokenSource(t, provider)</c>,
/// <c>PeriodicTimer</c>) fire in due-time order when the loop has nothing else to run.
/// </remarks>
public sealed class VirtualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly PriorityQueue<VirtualTimer, (long Due, long Order)> _timers = new();
    private long _nowTicks;
    private long _order;
    private static readonly long MaxTicks = DateTimeOffset.MaxValue.UtcTicks;

    public VirtualTimeProvider(DateTimeOffset start)
    {
        _nowTicks = start.UtcTicks;
    }

    /// <summary>Where timer callbacks run; set by <see cref="VirtualTimeLoop"/>.</summary>
    internal Action<Action>? Dispatch { get; set; }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _nowTicks), TimeSpan.Zero);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _nowTicks);

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>The due time of the earliest live timer, if any.</summary>
    internal bool TryPeekNextDue(out long dueTicks)
    {
        lock (_gate)
        {
            while (_timers.TryPeek(out var timer, out var key))
            {
                if (timer.Version(key.Order))
                {
                    dueTicks = key.Due;
                    return true;
                }

                _timers.Dequeue();
            }
        }

        dueTicks = 0;
        return false;
    }

    /// <summary>Moves the clock to <paramref name="dueTicks"/> (never backwards) and fires every timer due by then.</summary>
    internal int AdvanceTo(long dueTicks)
    {
        var fired = new List<VirtualTimer>();
        lock (_gate)
        {
            if (dueTicks > _nowTicks)
            {
                Interlocked.Exchange(ref _nowTicks, dueTicks);
            }

            while (_timers.TryPeek(out var timer, out var key) && key.Due <= _nowTicks)
            {
                _timers.Dequeue();
                if (timer.Version(key.Order))
                {
                    fired.Add(timer);
                }
            }
        }

        foreach (var timer in fired)
        {
            timer.Fire();
        }

        return fired.Count;
    }

    /// <summary>Advances virtual time by <paramref name="delta"/> (tests and manual stepping).</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        var now = GetTimestamp();
        var target = delta.Ticks > MaxTicks - now ? MaxTicks : now + delta.Ticks;
        while (TryPeekNextDue(out var due) && due <= target)
        {
            AdvanceTo(due);
        }

        AdvanceTo(target);
    }

    private long Schedule(VirtualTimer timer, TimeSpan due)
    {
        lock (_gate)
        {
            var order = ++_order;
            // Saturating: a timer due after the end of the calendar (year 10000) is due at its last tick instead of overflowing.
            var dueTicks = due.Ticks <= 0 ? _nowTicks : due.Ticks > MaxTicks - _nowTicks ? MaxTicks : _nowTicks + due.Ticks;
            _timers.Enqueue(timer, (dueTicks, order));
            return order;
        }
    }

    private sealed class VirtualTimer(VirtualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private long _scheduledOrder = -1;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _disposed;

        public bool Version(long order) => !_disposed && Interlocked.Read(ref _scheduledOrder) == order;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
            {
                return false;
            }

            _period = period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                Interlocked.Exchange(ref _scheduledOrder, -1);
                return true;
            }

            Interlocked.Exchange(ref _scheduledOrder, owner.Schedule(this, dueTime));
            return true;
        }

        public void Fire()
        {
            if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
            {
                Interlocked.Exchange(ref _scheduledOrder, owner.Schedule(this, _period));
            }
            else
            {
                Interlocked.Exchange(ref _scheduledOrder, -1);
            }

            if (owner.Dispatch is { } dispatch)
            {
                dispatch(() => callback(state));
            }
            else
            {
                callback(state);
            }
        }

        public void Dispose()
        {
            _disposed = true;
            Interlocked.Exchange(ref _scheduledOrder, -1);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
