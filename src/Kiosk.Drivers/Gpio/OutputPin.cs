using System.Device.Gpio;

namespace Kiosk.Drivers.Gpio;

/// <summary>
/// The one output pin of <see cref="GateRelay"/>, <see cref="IndicatorLed"/> and <see cref="Buzzer"/>, with its
/// configurable active level: opened at the inactive level, written as active or inactive, closed with its device.
/// </summary>
internal sealed class OutputPin
{
    private readonly GpioController _gpio;
    private readonly PinValue _active;
    private readonly PinValue _inactive;

    /// <param name="gpio">The controller (the device's caller owns it).</param>
    /// <param name="number">The pin.</param>
    /// <param name="activeHigh">True when the high level is the active one.</param>
    public OutputPin(GpioController gpio, int number, bool activeHigh)
    {
        _gpio = gpio;
        Number = number;
        _active = activeHigh ? PinValue.High : PinValue.Low;
        _inactive = activeHigh ? PinValue.Low : PinValue.High;
        _gpio.OpenPin(number, PinMode.Output, _inactive);
    }

    /// <summary>The pin.</summary>
    public int Number { get; }

    /// <summary>Drives the pin to its active or its inactive level.</summary>
    public void Write(bool active) => _gpio.Write(Number, active ? _active : _inactive);

    /// <summary>
    /// The device's dispose: <paramref name="deactivate"/> (which leaves the pin inactive), then the pin is closed.
    /// </summary>
    public void Close(Action deactivate)
    {
        // The controller may have been disposed first (it closes its pins then): nothing left to release.
        if (_gpio.IsPinOpen(Number))
        {
            deactivate();
            _gpio.ClosePin(Number);
        }
    }
}
