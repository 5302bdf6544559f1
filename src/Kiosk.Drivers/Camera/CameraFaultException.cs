namespace Kiosk.Drivers.Camera;

/// <summary>The camera stopped delivering: device gone, process died, or frames stalled.</summary>
public sealed class CameraFaultException(string message, Exception? inner = null) : Exception(message, inner);
