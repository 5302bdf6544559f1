using Kiosk.Colors;
using Kiosk.Core.Checkpoint;

namespace Kiosk.Service.Hosting;

/// <summary>
/// The checkpoint's side of <see cref="ILoadYield"/>: busy while the camera decodes a frame (<see cref="ScanActivity"/>:
/// the frame that will show a code is decoded before the code is seen) and from the moment a code or card is seen until
/// the decision is shown and acted on (<see cref="CheckpointLoop.PhaseChanged"/>), so a color load on its
/// <see cref="LoaderThread"/> pauses meanwhile (<see cref="LoadPacer"/> bounds the pause). The hold that follows (the result on screen) and the wait
/// for a holder's card (document mode) are not busy: the checkpoint then waits for a person, not for the CPU.
/// </summary>
/// <param name="time">The kiosk's clock (the bound of a wait).</param>
internal sealed class CheckpointLoadYield(TimeProvider time) : ILoadYield
{
    private readonly object _gate = new();
    private bool _deciding;
    private bool _decoding;
    private volatile bool _busy;

    /// <inheritdoc />
    public bool Busy => _busy;

    /// <summary>Whether a load gives way while the checkpoint is in <paramref name="phase"/>.</summary>
    public static bool IsBusy(CheckpointPhase phase) => phase switch
    {
        CheckpointPhase.CodeSeen or CheckpointPhase.CardSeen or CheckpointPhase.Verified or CheckpointPhase.ColorLookedUp
            or CheckpointPhase.Measuring or CheckpointPhase.Decided => true,
        _ => false,
    };

    /// <summary>Follows the checkpoint (subscribed to <see cref="CheckpointLoop.PhaseChanged"/>).</summary>
    public void Observe(CheckpointPhase phase)
    {
        lock (_gate)
        {
            _deciding = IsBusy(phase);
            Update();
        }
    }

    /// <summary>Follows the camera (subscribed to <see cref="ScanActivity.DecodingChanged"/>).</summary>
    public void ObserveDecoding(bool decoding)
    {
        lock (_gate)
        {
            _decoding = decoding;
            Update();
        }
    }

    /// <inheritdoc />
    public bool WaitUntilFree(TimeSpan limit)
    {
        if (!_busy)
        {
            return true;
        }

        // The bound runs on the kiosk's clock; a callback that comes after the wait only sets a flag nobody reads.
        var expired = false;
        using var timer = time.CreateTimer(
            _ =>
            {
                lock (_gate)
                {
                    expired = true;
                    Monitor.PulseAll(_gate);
                }
            },
            null,
            limit,
            Timeout.InfiniteTimeSpan);
        lock (_gate)
        {
            while (_busy && !expired)
            {
                Monitor.Wait(_gate);
            }

            return !_busy;
        }
    }

    // Under _gate.
    private void Update()
    {
        _busy = _deciding || _decoding;
        if (!_busy)
        {
            Monitor.PulseAll(_gate);
        }
    }
}
