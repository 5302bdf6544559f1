namespace Kiosk.Drivers.QrDecoding;

/// <summary>The outcome of decoding one frame.</summary>
/// <param name="Text">The QR text, only when Reed–Solomon error correction succeeded; null when no code was read.</param>
/// <param name="Unchanged">The frame was skipped by motion gating; <paramref name="Text"/> repeats the previous result.</param>
/// <param name="Path">The stage that read the code, or <see cref="QrDecodePath.None"/>.</param>
/// <param name="Elapsed">Time spent on this frame.</param>
public sealed record QrDecodeResult(string? Text, bool Unchanged, QrDecodePath Path, TimeSpan Elapsed)
{
    /// <summary>Whether the frame contained finder patterns the pipeline could not turn into a code.</summary>
    public bool FinderPatternsSeen { get; init; }

    /// <summary>
    /// No code was read, but one was seen: three finder patterns of a QR code (too far, too blurred or moving too fast
    /// to read). The kiosk's aiming help ("move the code closer / hold it still") follows it. Never set with a text.
    /// </summary>
    public bool CodeSeen { get; init; }
}
