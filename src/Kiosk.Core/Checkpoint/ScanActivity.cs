namespace Kiosk.Core.Checkpoint;

/// <summary>
/// The camera's side of "a visitor is at the checkpoint": the code reader says when it starts and ends decoding a frame
/// (one that is not the same pixels again), before any code is seen. Work that should give way to a visitor (a color
/// load: the composition root's <c>CheckpointLoadYield</c>) listens; the checkpoint itself does not need it.
/// </summary>
public sealed class ScanActivity
{
    /// <summary>Raised with true when a frame's decoding starts and false when it ends, on the reader's thread;
    /// handlers must return at once and not throw.</summary>
    public event Action<bool>? DecodingChanged;

    /// <summary>Called by the code reader around each decode.</summary>
    public void Decoding(bool decoding) => DecodingChanged?.Invoke(decoding);
}
