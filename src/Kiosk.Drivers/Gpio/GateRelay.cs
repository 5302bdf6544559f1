using System.Device.Gpio;

namespace Kiosk.Drivers.Gpio;

/// <summary>
/// The turnstile/door relay: one output held active for a pulse, then released (timed with the injected
/// <see cref="TimeProvider"/>). A pulse requested while one is running extends it and makes no new edge.
/// </summary>
public sealed class GateRelay : IDisposable
{
    private readonly object _gate = new();
    private readonly OutputPin _pin;
    private readonly TimeProvider _time;
    private ITimer? _release;

    /// <param name="gpio">The controller (the caller owns it).</param>
    /// <param name="pin">Relay pin.</param>
    /// <param name="activeHigh">True when the relay closes on a high level.</param>
    /// <param name="pulse">How long the relay stays closed.</param>
    /// <param name="time">Clock for the pulse.</param>
    public GateRelay(GpioController gpio, int pin, bool activeHigh, TimeSpan pulse, TimeProvider time)
    {
        if (pulse <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(pulse), pulse, "pulse must be positive");
        }

        _time = time;
        Pulse = pulse;
        _pin = new OutputPin(gpio, pin, activeHigh);
    }

    /// <summary>The relay pin.</summary>
    public int Pin => _pin.Number;

    /// <summary>Pulse length.</summary>
    public TimeSpan Pulse { get; }

    /// <summary>True while the relay is closed.</summary>
    public bool IsOpen { get; private set; }

    /// <summary>Pulses started (not counting extensions).</summary>
    public int PulseCount { get; private set; }

    /// <summary>Closes the relay for <see cref="Pulse"/> (opens the gate).</summary>
    public void Open()
    {
        lock (_gate)
        {
            if (!IsOpen)
            {
                _pin.Write(active: true);
                IsOpen = true;
                PulseCount++;
            }

            _release?.Dispose();
            _release = _time.CreateTimer(_ => Release(), null, Pulse, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Releases the relay now.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _release?.Dispose();
            _release = null;
            if (IsOpen)
            {
                IsOpen = false;
                _pin.Write(active: false);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _pin.Close(Release);
}
