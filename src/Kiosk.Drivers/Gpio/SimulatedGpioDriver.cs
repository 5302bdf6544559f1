using System.Device.Gpio;

namespace Kiosk.Drivers.Gpio;

/// <summary>
/// A GPIO chip in memory: outputs remember their level and every edge (timestamped with the injected
/// <see cref="TimeProvider"/>), inputs are set from outside (<see cref="SetInput"/>, <see cref="Press"/>), raising the
/// callbacks a real chip would. Writes to a pin can be made to fail (<see cref="FailWrites"/>) for fault injection.
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<int, SimulatedPin> _pins = [];
    private readonly List<PinEdge> _edges = [];
    private readonly HashSet<int> _failingPins = [];

    /// <param name="time">Clock for edge timestamps.</param>
    /// <param name="pinCount">Pins 0 .. pinCount-1 exist.</param>
    public SimulatedGpioDriver(TimeProvider time, int pinCount = 64)
    {
        _time = time;
        PinCount = pinCount;
    }

    /// <inheritdoc/>
    protected override int PinCount { get; }

    /// <summary>Every edge so far, oldest first.</summary>
    public IReadOnlyList<PinEdge> Edges
    {
        get
        {
            lock (_gate)
            {
                return _edges.ToArray();
            }
        }
    }

    /// <summary>Edges of one pin.</summary>
    public IReadOnlyList<PinEdge> EdgesOf(int pin) => Edges.Where(e => e.Pin == pin).ToArray();

    /// <summary>How many times <paramref name="pin"/> went to <paramref name="level"/>.</summary>
    public int CountEdgesTo(int pin, PinValue level) => Edges.Count(e => e.Pin == pin && e.Value == level);

    /// <summary>The level a pin has now (outputs: last written; inputs: as set from outside or pulled).</summary>
    public PinValue LevelOf(int pin)
    {
        lock (_gate)
        {
            return Get(pin).Value;
        }
    }

    /// <summary>Makes writes to <paramref name="pin"/> throw (a broken driver line), or work again.</summary>
    public void FailWrites(int pin, bool fail = true)
    {
        lock (_gate)
        {
            if (fail)
            {
                _failingPins.Add(pin);
            }
            else
            {
                _failingPins.Remove(pin);
            }
        }
    }

    /// <summary>The outside world drives an input to <paramref name="value"/> (raises the pin-change callbacks on an edge).</summary>
    public void SetInput(int pin, PinValue value)
    {
        List<(PinEventTypes Types, PinChangeEventHandler Handler)> callbacks;
        PinEventTypes change;
        lock (_gate)
        {
            var p = Get(pin);
            if (p.Value == value)
            {
                return;
            }

            p.Value = value;
            _edges.Add(new PinEdge(pin, value, _time.GetUtcNow(), Driven: false));
            change = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            callbacks = p.Callbacks.Where(c => (c.Types & change) != 0).ToList();
            foreach (var waiter in p.Waiters.Where(w => (w.Types & change) != 0).ToList())
            {
                p.Waiters.Remove(waiter);
                waiter.Done.TrySetResult(change);
            }
        }

        foreach (var (_, handler) in callbacks)
        {
            handler(this, new PinValueChangedEventArgs(change, pin));
        }
    }

    /// <summary>Presses a button wired to <paramref name="pin"/>: drives it to <paramref name="pressedLevel"/> (Low for a button to ground).</summary>
    public void Press(int pin, PinValue? pressedLevel = null) => SetInput(pin, pressedLevel ?? PinValue.Low);

    /// <summary>Releases a button: back to the opposite of <paramref name="pressedLevel"/>.</summary>
    public void Release(int pin, PinValue? pressedLevel = null) => SetInput(pin, (pressedLevel ?? PinValue.Low) == PinValue.Low ? PinValue.High : PinValue.Low);

    /// <inheritdoc/>
    protected override void OpenPin(int pinNumber)
    {
        lock (_gate)
        {
            CheckPin(pinNumber);
            var p = Get(pinNumber);
            p.Open = true;
        }
    }

    /// <inheritdoc/>
    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            if (_pins.TryGetValue(pinNumber, out var p))
            {
                p.Open = false;
                p.Callbacks.Clear();
            }
        }
    }

    /// <inheritdoc/>
    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            var p = Get(pinNumber);
            p.Mode = mode;
            if (mode == PinMode.InputPullUp)
            {
                p.Value = PinValue.High;
            }
            else if (mode == PinMode.InputPullDown)
            {
                p.Value = PinValue.Low;
            }
        }
    }

    /// <inheritdoc/>
    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate)
        {
            return Get(pinNumber).Mode;
        }
    }

    /// <inheritdoc/>
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        pinNumber >= 0 && pinNumber < PinCount && mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    /// <inheritdoc/>
    protected override PinValue Read(int pinNumber)
    {
        lock (_gate)
        {
            return Get(pinNumber).Value;
        }
    }

    /// <inheritdoc/>
    protected override void Write(int pinNumber, PinValue value)
    {
        lock (_gate)
        {
            if (_failingPins.Contains(pinNumber))
            {
                throw new IOException($"simulated GPIO write failure on pin {pinNumber}");
            }

            var p = Get(pinNumber);
            if (p.Value == value && p.Written)
            {
                return;
            }

            var edge = p.Written ? p.Value != value : true;
            p.Written = true;
            p.Value = value;
            if (edge)
            {
                _edges.Add(new PinEdge(pinNumber, value, _time.GetUtcNow(), Driven: true));
            }
        }
    }

    /// <inheritdoc/>
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<PinEventTypes>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiter = new Waiter(eventTypes, done);
        lock (_gate)
        {
            Get(pinNumber).Waiters.Add(waiter);
        }

        try
        {
            var type = done.Task.WaitAsync(cancellationToken).GetAwaiter().GetResult();
            return new WaitForEventResult { EventTypes = type, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                Get(pinNumber).Waiters.Remove(waiter);
            }

            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
    }

    /// <inheritdoc/>
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            Get(pinNumber).Callbacks.Add((eventTypes, callback));
        }
    }

    /// <inheritdoc/>
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            Get(pinNumber).Callbacks.RemoveAll(c => c.Handler == callback);
        }
    }

    private void CheckPin(int pin)
    {
        if (pin < 0 || pin >= PinCount)
        {
            throw new ArgumentOutOfRangeException(nameof(pin), pin, $"the simulated chip has pins 0..{PinCount - 1}");
        }
    }

    private SimulatedPin Get(int pin)
    {
        CheckPin(pin);
        if (!_pins.TryGetValue(pin, out var p))
        {
            p = new SimulatedPin();
            _pins[pin] = p;
        }

        return p;
    }

    private sealed record Waiter(PinEventTypes Types, TaskCompletionSource<PinEventTypes> Done);

    private sealed class SimulatedPin
    {
        public bool Open { get; set; }

        public bool Written { get; set; }

        public PinMode Mode { get; set; } = PinMode.Input;

        public PinValue Value { get; set; } = PinValue.Low;

        public List<(PinEventTypes Types, PinChangeEventHandler Handler)> Callbacks { get; } = [];

        public List<Waiter> Waiters { get; } = [];
    }
}
