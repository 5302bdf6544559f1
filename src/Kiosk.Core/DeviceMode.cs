namespace Kiosk.Core;

/// <summary>Hardware, or the simulated devices at the hardware boundary (I²C chip, GPIO driver, frame source, PNG sink).</summary>
public enum DeviceMode
{
    Hardware,
    Simulated,
}
