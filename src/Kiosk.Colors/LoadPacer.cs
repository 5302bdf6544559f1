namespace Kiosk.Colors;

/// <summary>
/// Lets a bulk load give way to the checkpoint: between chunks (before each part of a manifest, and every
/// <see cref="SnapshotLoad"/> statement of 64 rows) the loader calls <see cref="GiveWay"/>, which returns at once unless
/// it runs on a <see cref="LoaderThread"/> while the <see cref="ILoadYield"/> is busy; then it waits until the checkpoint
/// is free. The wait is bounded, so a door that is never free cannot starve the load: one pause lasts at most
/// <see cref="MaxPause"/>, and a pause that reached it is followed by at least <see cref="MinRun"/> of work before the
/// next, so the load keeps at least half its time (a decision without temperature keeps the loader waiting for a few
/// tens of milliseconds). Only loader threads wait: a load run on the caller's thread (a command, a test, a scenario's
/// virtual-time loop, where the checkpoint could never become free) is never held.
/// </summary>
public sealed class LoadPacer
{
    /// <summary>The longest single pause.</summary>
    public static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the load runs unpaused after a pause that reached <see cref="MaxPause"/>.</summary>
    public static readonly TimeSpan MinRun = TimeSpan.FromMilliseconds(500);

    private readonly ILoadYield? _door;
    private readonly TimeProvider _time;
    private long _mustRunFrom = long.MinValue;
    private long _pauses;
    private long _pausedTicks;

    /// <param name="door">What to give way to; null = never wait.</param>
    /// <param name="time">The kiosk's clock (bounds the pauses).</param>
    public LoadPacer(ILoadYield? door, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _door = door;
        _time = time;
    }

    /// <summary>Pauses taken since start.</summary>
    public long Pauses => Interlocked.Read(ref _pauses);

    /// <summary>Time spent paused since start (the kiosk's clock).</summary>
    public TimeSpan Paused => TimeSpan.FromTicks(Interlocked.Read(ref _pausedTicks));

    /// <summary>Called by the loader between chunks: waits while the checkpoint is busy, bounded (see the class).</summary>
    public void GiveWay()
    {
        if (_door is null || !LoaderThread.IsCurrent || !_door.Busy)
        {
            return;
        }

        var mustRunFrom = Interlocked.Read(ref _mustRunFrom);
        if (mustRunFrom != long.MinValue && _time.GetElapsedTime(mustRunFrom) < MinRun)
        {
            return;
        }

        var started = _time.GetTimestamp();
        var freed = _door.WaitUntilFree(MaxPause);
        var ended = _time.GetTimestamp();
        Interlocked.Increment(ref _pauses);
        Interlocked.Add(ref _pausedTicks, _time.GetElapsedTime(started, ended).Ticks);
        Interlocked.Exchange(ref _mustRunFrom, freed ? long.MinValue : ended);
    }
}
