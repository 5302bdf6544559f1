namespace Kiosk.Drivers.QrDecoding;

/// <summary>Which stage of the pipeline produced a result (or the last one tried).</summary>
public enum QrDecodePath
{
    /// <summary>No stage found a code.</summary>
    None,

    /// <summary>The frame did not change: not decoded, the previous result stands.</summary>
    Unchanged,

    /// <summary>Full resolution, cropped to the region of the last hit.</summary>
    LastHitRegion,

    /// <summary>The box-filtered downscaled frame, hybrid (local) binarizer.</summary>
    Downscaled,

    /// <summary>The downscaled frame with black and white swapped (light-on-dark codes).</summary>
    DownscaledInverted,

    /// <summary>Full resolution, cropped to the finder-pattern candidates the downscaled pass saw.</summary>
    FinderRegion,

    /// <summary>Full resolution, hybrid binarizer.</summary>
    FullFrame,

    /// <summary>Full resolution, global-histogram binarizer (even lighting, low contrast).</summary>
    FullFrameGlobal,

    /// <summary>The downscaled frame, global-histogram binarizer.</summary>
    DownscaledGlobal,

    /// <summary>A coarser downscale (blurred or very large codes).</summary>
    Coarse,

    /// <summary>Full resolution with black and white swapped.</summary>
    FullFrameInverted,

    /// <summary>A still image enlarged two or three times (small modules).</summary>
    Enlarged,
}
