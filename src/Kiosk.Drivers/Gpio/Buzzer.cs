using System.Device.Gpio;

namespace Kiosk.Drivers.Gpio;

/// <summary>
/// An active buzzer (sounds while its pin is active) playing <see cref="BuzzerPattern"/>s, each step timed with the
/// injected <see cref="TimeProvider"/>. A new pattern cuts the one playing.
/// </summary>
public sealed class Buzzer : IDisposable
{
    private readonly object _gate = new();
    private readonly OutputPin _pin;
    private readonly TimeProvider _time;
    private ITimer? _timer;
    private BuzzerPattern? _playing;
    private int _step;
    private bool _sounding;

    /// <param name="gpio">The controller (the caller owns it).</param>
    /// <param name="pin">Buzzer pin.</param>
    /// <param name="activeHigh">True when a high level sounds it.</param>
    /// <param name="time">Clock for the steps.</param>
    public Buzzer(GpioController gpio, int pin, bool activeHigh, TimeProvider time)
    {
        _time = time;
        _pin = new OutputPin(gpio, pin, activeHigh);
    }

    /// <summary>The buzzer pin.</summary>
    public int Pin => _pin.Number;

    /// <summary>The pattern now playing, or null.</summary>
    public BuzzerPattern? Playing
    {
        get
        {
            lock (_gate)
            {
                return _playing;
            }
        }
    }

    /// <summary>Starts <paramref name="pattern"/>, cutting any pattern playing.</summary>
    public void Play(BuzzerPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        lock (_gate)
        {
            StopLocked();
            if (pattern.Steps.Count == 0)
            {
                return;
            }

            _playing = pattern;
            _step = 0;
            EnterStepLocked();
        }
    }

    /// <summary>Silences the buzzer.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            StopLocked();
        }
    }

    private void EnterStepLocked()
    {
        var pattern = _playing!;
        var sound = _step % 2 == 0;
        Set(sound);
        var token = pattern;
        _timer = _time.CreateTimer(_ => Advance(token), null, pattern.Steps[_step], Timeout.InfiniteTimeSpan);
    }

    private void Advance(BuzzerPattern token)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_playing, token))
            {
                return;
            }

            _timer?.Dispose();
            _step++;
            if (_step >= token.Steps.Count)
            {
                _timer = null;
                _playing = null;
                Set(false);
                return;
            }

            EnterStepLocked();
        }
    }

    private void StopLocked()
    {
        _timer?.Dispose();
        _timer = null;
        _playing = null;
        Set(false);
    }

    private void Set(bool sound)
    {
        if (_sounding == sound && !sound)
        {
            return;
        }

        _pin.Write(sound);
        _sounding = sound;
    }

    /// <inheritdoc/>
    public void Dispose() => _pin.Close(Stop);
}
