using System.Device.Gpio;
using Kiosk.Core.Checkpoint;
using Kiosk.Drivers.Gpio;
using Microsoft.Extensions.Logging;

namespace Kiosk.Devices.Outputs;

/// <summary>
/// <see cref="IIndicators"/> over the GPIO outputs: gate relay, the pass and refer lamps and the buzzer. Never throws into
/// the checkpoint: a failing line is logged and the rest still acts.
/// </summary>
public sealed partial class Indicators : IIndicators, IDisposable
{
    private readonly GateRelay _gate;
    private readonly IndicatorLed _passLed;
    private readonly IndicatorLed _referLed;
    private readonly Buzzer _buzzer;
    private readonly ILogger<Indicators> _logger;

    /// <summary>Over already opened devices (the indicators dispose them).</summary>
    public Indicators(GateRelay gate, IndicatorLed passLed, IndicatorLed referLed, Buzzer buzzer, ILogger<Indicators> logger)
    {
        _gate = gate;
        _passLed = passLed;
        _referLed = referLed;
        _buzzer = buzzer;
        _logger = logger;
    }

    /// <summary>Opens the outputs <paramref name="options"/> names on <paramref name="gpio"/> (the caller owns the controller).</summary>
    public static Indicators Create(GpioController gpio, GpioOptions options, TimeProvider time, ILogger<Indicators> logger)
    {
        var gate = new GateRelay(gpio, options.GatePin, options.GateActiveHigh, TimeSpan.FromMilliseconds(options.GatePulseMs), time);
        var pass = new IndicatorLed(gpio, options.PassLedPin, options.LedsActiveHigh, "pass LED");
        var refer = new IndicatorLed(gpio, options.ReferLedPin, options.LedsActiveHigh, "refer LED");
        var buzzer = new Buzzer(gpio, options.BuzzerPin, options.BuzzerActiveHigh, time);
        return new Indicators(gate, pass, refer, buzzer, logger);
    }

    /// <summary>The gate relay.</summary>
    public GateRelay Gate => _gate;

    /// <summary>The buzzer.</summary>
    public Buzzer Buzzer => _buzzer;

    /// <inheritdoc/>
    public void SignalPass()
    {
        Do("refer LED off", _referLed.Off);
        Do("pass LED on", _passLed.On);
        Do("gate pulse", _gate.Open);
        Do("pass tone", () => _buzzer.Play(BuzzerPattern.Pass));
    }

    /// <inheritdoc/>
    public void SignalRefer()
    {
        Do("pass LED off", _passLed.Off);
        Do("refer LED on", _referLed.On);
        Do("refer tone", () => _buzzer.Play(BuzzerPattern.Refer));
    }

    /// <inheritdoc/>
    public void SignalFault() => Do("fault tone", () => _buzzer.Play(BuzzerPattern.Fault));

    /// <inheritdoc/>
    public void Clear()
    {
        Do("pass LED off", _passLed.Off);
        Do("refer LED off", _referLed.Off);
    }

    /// <inheritdoc/>
    public void OpenGate() => Do("gate pulse", _gate.Open);

    private void Do(string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            LogOutputFailed(_logger, what, ex.Message);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _buzzer.Dispose();
        _passLed.Dispose();
        _referLed.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Error, Message = "GPIO output failed ({What}): {Reason}")]
    private static partial void LogOutputFailed(ILogger logger, string what, string reason);
}
