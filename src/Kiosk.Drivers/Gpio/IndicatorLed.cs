using System.Device.Gpio;

namespace Kiosk.Drivers.Gpio;

/// <summary>A lamp on one output (e.g. the "pass LED" or the "refer LED"; the lamp's own color is the hardware's business).</summary>
public sealed class IndicatorLed : IDisposable
{
    private readonly OutputPin _pin;

    /// <param name="gpio">The controller (the caller owns it).</param>
    /// <param name="pin">LED pin.</param>
    /// <param name="activeHigh">True when a high level lights it.</param>
    /// <param name="name">Name for logs, e.g. "pass LED".</param>
    public IndicatorLed(GpioController gpio, int pin, bool activeHigh, string name)
    {
        Name = name;
        _pin = new OutputPin(gpio, pin, activeHigh);
    }

    /// <summary>The LED pin.</summary>
    public int Pin => _pin.Number;

    /// <summary>Name for logs.</summary>
    public string Name { get; }

    /// <summary>True while lit.</summary>
    public bool IsOn { get; private set; }

    /// <summary>Lights the lamp.</summary>
    public void On()
    {
        _pin.Write(active: true);
        IsOn = true;
    }

    /// <summary>Switches it off.</summary>
    public void Off()
    {
        _pin.Write(active: false);
        IsOn = false;
    }

    /// <inheritdoc/>
    public void Dispose() => _pin.Close(Off);
}
