namespace Kiosk.Drivers.Camera;

/// <summary>Which camera the kiosk reads.</summary>
public enum CameraSourceKind
{
    /// <summary>A USB UVC camera through V4L2 (<see cref="CameraOptions.Device"/>).</summary>
    Uvc,

    /// <summary>The Raspberry Pi camera module through <c>rpicam-vid</c> (or <c>libcamera-vid</c>).</summary>
    RpiCam,

    /// <summary>The simulated camera (<see cref="SimulatedCamera"/>).</summary>
    Simulated,
}
