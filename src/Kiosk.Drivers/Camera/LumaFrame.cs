namespace Kiosk.Drivers.Camera;

/// <summary>One camera frame as its luminance (Y) plane: 8 bits per pixel, <paramref name="Stride"/> bytes per row.</summary>
/// <remarks>The buffer may be pooled by the source: a consumer that keeps a frame beyond the callback copies it.</remarks>
/// <param name="Pixels">Y plane, at least <c>Stride * Height</c> bytes.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Stride">Bytes per row (≥ width).</param>
/// <param name="Timestamp">When the frame was captured, on the injected <see cref="TimeProvider"/>.</param>
/// <param name="Sequence">Monotonic frame counter of the source.</param>
public sealed record LumaFrame(byte[] Pixels, int Width, int Height, int Stride, DateTimeOffset Timestamp, long Sequence)
{
    /// <summary>
    /// The source guarantees these pixels are exactly those of its previous frame (the simulated camera when nothing in
    /// its scene changed), so a consumer may repeat its previous result instead of reading them again. A real camera never says so.
    /// </summary>
    public bool Repeat { get; init; }
}
