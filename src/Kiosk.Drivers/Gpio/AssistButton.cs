using System.Device.Gpio;

namespace Kiosk.Drivers.Gpio;

/// <summary>
/// The "call staff" push button on an input with the internal pull. Debounced: a level counts once it has held for
/// <see cref="Debounce"/> (timed with the injected <see cref="TimeProvider"/>); each settled press raises <see cref="Pressed"/> once.
/// </summary>
public sealed class AssistButton : IDisposable
{
    private readonly object _gate = new();
    private readonly GpioController _gpio;
    private readonly TimeProvider _time;
    private readonly PinValue _pressedLevel;
    private ITimer? _settle;
    private bool _pressed;

    /// <param name="gpio">The controller (the caller owns it).</param>
    /// <param name="pin">Button pin.</param>
    /// <param name="activeLow">True for a button to ground with the pull-up (pressed = low); false for a button to 3V3 with the pull-down.</param>
    /// <param name="debounce">How long a level must hold to count.</param>
    /// <param name="time">Clock for the debounce.</param>
    public AssistButton(GpioController gpio, int pin, bool activeLow, TimeSpan debounce, TimeProvider time)
    {
        if (debounce < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(debounce), debounce, "debounce must not be negative");
        }

        _gpio = gpio;
        _time = time;
        Pin = pin;
        Debounce = debounce;
        _pressedLevel = activeLow ? PinValue.Low : PinValue.High;
        _gpio.OpenPin(pin, activeLow ? PinMode.InputPullUp : PinMode.InputPullDown);
        _pressed = _gpio.Read(pin) == _pressedLevel;
        _gpio.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, OnEdge);
    }

    /// <summary>A settled press.</summary>
    public event EventHandler? Pressed;

    /// <summary>The button pin.</summary>
    public int Pin { get; }

    /// <summary>Debounce time.</summary>
    public TimeSpan Debounce { get; }

    /// <summary>Settled presses so far.</summary>
    public int PressCount { get; private set; }

    private void OnEdge(object sender, PinValueChangedEventArgs args)
    {
        lock (_gate)
        {
            _settle?.Dispose();
            _settle = _time.CreateTimer(_ => Settle(), null, Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private void Settle()
    {
        bool raise;
        lock (_gate)
        {
            _settle?.Dispose();
            _settle = null;
            var pressed = _gpio.Read(Pin) == _pressedLevel;
            raise = pressed && !_pressed;
            _pressed = pressed;
            if (raise)
            {
                PressCount++;
            }
        }

        if (raise)
        {
            Pressed?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            _settle?.Dispose();
            _settle = null;
        }

        // The controller may have been disposed first (it closes its pins then): nothing left to release.
        if (_gpio.IsPinOpen(Pin))
        {
            _gpio.UnregisterCallbackForPinValueChangedEvent(Pin, OnEdge);
            _gpio.ClosePin(Pin);
        }
    }
}
