using System.ComponentModel.DataAnnotations;

namespace Kiosk.Drivers.Camera;

/// <summary>Options of the camera (configuration section <c>Camera</c>).</summary>
public sealed class CameraOptions : IValidatableObject
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Camera";

    /// <summary>The frame source.</summary>
    public CameraSourceKind Source { get; set; } = CameraSourceKind.Uvc;

    /// <summary>V4L2 device of a UVC camera.</summary>
    public string Device { get; set; } = "/dev/video0";

    /// <summary>Frame width in pixels (even).</summary>
    [Range(160, 4096)]
    public int Width { get; set; } = 1280;

    /// <summary>Frame height in pixels (even).</summary>
    [Range(120, 3072)]
    public int Height { get; set; } = 720;

    /// <summary>Frames per second asked of the camera (and the pace of the simulated camera).</summary>
    [Range(1, 120)]
    public int FramesPerSecond { get; set; } = 15;

    /// <summary>The rpicam command; null = <c>rpicam-vid</c> from PATH, else <c>libcamera-vid</c>.</summary>
    public string? RpicamCommand { get; set; }

    /// <summary>A source that delivers no frame for this long has stalled (camera_fault).</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:05:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>First wait before reopening a faulted camera; doubles up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between reopen attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Simulated camera only: draw every frame with fresh sensor noise instead of drawing a frame only when the scene
    /// changed (<see cref="SimulatedCamera.FreshNoiseEveryFrame"/>). The slower path of earlier versions, for benchmarks.
    /// </summary>
    public bool SimulatedFreshNoise { get; set; }

    /// <summary>The frame period.</summary>
    public TimeSpan FramePeriod => TimeSpan.FromSeconds(1.0 / FramesPerSecond);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Width % 2 != 0 || Height % 2 != 0)
        {
            yield return new ValidationResult("Camera:Width and Camera:Height must be even (YUV 4:2:0).", [nameof(Width), nameof(Height)]);
        }

        if (Source == CameraSourceKind.Uvc && string.IsNullOrWhiteSpace(Device))
        {
            yield return new ValidationResult("Camera:Device is required for a UVC camera.", [nameof(Device)]);
        }

        if (Source == CameraSourceKind.RpiCam && Width % 64 != 0)
        {
            yield return new ValidationResult("Camera:Width must be a multiple of 64 for rpicam (raw YUV rows carry the ISP stride).", [nameof(Width)]);
        }

        if (RetryMaxDelay < RetryInitialDelay)
        {
            yield return new ValidationResult("Camera:RetryMaxDelay must be at least Camera:RetryInitialDelay.", [nameof(RetryMaxDelay)]);
        }

        if (StallTimeout < FramePeriod * 2)
        {
            yield return new ValidationResult("Camera:StallTimeout must be at least two frame periods.", [nameof(StallTimeout)]);
        }
    }
}
