using System.ComponentModel.DataAnnotations;

namespace Kiosk.Drivers.QrDecoding;

/// <summary>Tuning of <see cref="QrFrameDecoder"/>. The defaults are what the camera path uses.</summary>
public sealed class QrDecoderOptions
{
    /// <summary>The cheap stage downscales (box filter, integer factor) until the frame is at most this wide.</summary>
    [Range(160, 8192)]
    public int CheapMaxWidth { get; set; } = 800;

    /// <summary>Skip frames whose coarse thumbnail did not change.</summary>
    public bool MotionGating { get; set; } = true;

    /// <summary>A thumbnail cell has changed when its mean moved by more than this many grey levels (after removing the global shift).</summary>
    [Range(1, 255)]
    public int MotionCellThreshold { get; set; } = 6;

    /// <summary>The frame has changed when at least this many of the 32 × 18 cells have.</summary>
    [Range(1, 576)]
    public int MotionMinChangedCells { get; set; } = 2;

    /// <summary>Decode anyway after this many consecutive skipped frames, so a slow drift cannot hide a code for long.</summary>
    [Range(1, 10_000)]
    public int MaxSkippedFrames { get; set; } = 30;

    /// <summary>How many frames after a hit the region of that hit is tried first.</summary>
    [Range(0, 1000)]
    public int LastHitFrames { get; set; } = 15;

    /// <summary>
    /// The far-code probe: when a changed frame's downscaled pass found no finder pattern, every this many such frames
    /// look for a code's finder patterns at full resolution (seen, not read: <see cref="QrDecodeResult.CodeSeen"/>);
    /// 0 turns it off. Every third frame at 30 fps is ten looks a second, for a signal that must last a second.
    /// </summary>
    [Range(0, 1000)]
    public int FarCodeProbeEvery { get; set; } = 3;
}
