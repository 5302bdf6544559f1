namespace Kiosk.Drivers.Camera;

/// <summary>A camera: USB UVC (V4L2), the Pi camera module (rpicam-vid), or the simulated camera.</summary>
public interface IFrameSource : IAsyncDisposable
{
    /// <summary>Human-readable name for logs and alerts (device path, "rpicam", "simulated").</summary>
    string Name { get; }

    /// <summary>Frames as they arrive. Ends when cancelled; throws <see cref="CameraFaultException"/> when the device vanishes.</summary>
    IAsyncEnumerable<LumaFrame> ReadFramesAsync(CancellationToken cancellationToken);
}
