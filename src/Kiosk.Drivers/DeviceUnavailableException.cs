namespace Kiosk.Drivers;

/// <summary>
/// A device the kiosk needs cannot be opened on this machine (no GPIO library, no I²C bus, no camera, no display):
/// a setup problem, told in one line that names the device and the fix.
/// </summary>
public sealed class DeviceUnavailableException(string device, string problem, string fix) : IOException($"{device}: {problem}; {fix}")
{
    /// <summary>The device (<c>GPIO</c>, <c>I2C bus 1</c>, <c>camera</c>, <c>display</c>).</summary>
    public string Device { get; } = device;
}
