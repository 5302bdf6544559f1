using System.Device.Gpio;

namespace Kiosk.Drivers.Gpio;

/// <summary>One level change on a pin, as the simulated driver saw it.</summary>
/// <param name="Pin">Pin number.</param>
/// <param name="Value">The new level.</param>
/// <param name="At">When (from the driver's <see cref="TimeProvider"/>).</param>
/// <param name="Driven">True when the kiosk drove it (output write); false when the outside world did (input).</param>
public readonly record struct PinEdge(int Pin, PinValue Value, DateTimeOffset At, bool Driven);
