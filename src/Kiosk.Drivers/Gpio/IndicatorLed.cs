using System.Device.Gpio;

namespace Kiosk.Drivers.Gpio;

/// <summary>A lamp on one output (e.g. the "pass LED" or the "refer LED"; the lamp's own color is the hardware's business).</summary>
public sealed class IndicatorLed : IDisposable
{
    private readonly GpioController _gpio;
    private readonly PinValue _on;
    private readonly PinValue _off;

    /// <param name="gpio">The controller (the caller owns it).</param>
    /// <param name="pin">LED pin.</param>
    /// <param name="activeHigh">True when a high level lights it.</param>
    /// <param name="name">Name for logs, e.g. "pass LED".</param>
    public IndicatorLed(GpioController gpio, int pin, bool activeHigh, string name)
    {
        _gpio = gpio;
        Pin = pin;
        Name = name;
        _on = activeHigh ? PinValue.High : PinValue.Low;
        _off = activeHigh ? PinValue.Low : PinValue.High;
        _gpio.OpenPin(pin, PinMode.Output, _off);
    }

    /// <summary>The LED pin.</summary>
    public int Pin { get; }

    /// <summary>Name for logs.</summary>
    public string Name { get; }

    /// <summary>True while lit.</summary>
    public bool IsOn { get; private set; }

    /// <summary>Lights the lamp.</summary>
    public void On()
    {
        _gpio.Write(Pin, _on);
        IsOn = true;
    }

    /// <summary>Switches it off.</summary>
    public void Off()
    {
        _gpio.Write(Pin, _off);
        IsOn = false;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // The controller may have been disposed first (it closes its pins then): nothing left to release.
        if (_gpio.IsPinOpen(Pin))
        {
            Off();
            _gpio.ClosePin(Pin);
        }
    }
}
