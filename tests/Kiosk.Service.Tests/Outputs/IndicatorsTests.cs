using System.Device.Gpio;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Devices.Outputs;
using Kiosk.Drivers.Gpio;
using Kiosk.Service.Tests.Screen;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Outputs;

public sealed class IndicatorsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
    private readonly SimulatedGpioDriver _driver;
    private readonly GpioController _gpio;
    private readonly GpioOptions _options = new();
    private readonly Indicators _indicators;

    public IndicatorsTests()
    {
        _driver = new SimulatedGpioDriver(_time);
        _gpio = new GpioController(_driver);
        _indicators = Indicators.Create(_gpio, _options, _time, NullLogger<Indicators>.Instance);
    }

    public void Dispose()
    {
        _indicators.Dispose();
        _gpio.Dispose();
    }

    private int GateOpenings => _driver.CountEdgesTo(_options.GatePin, PinValue.High);

    [Fact]
    public void TheGateOpensExactlyOncePerPassAndNeverOnRefer()
    {
        _indicators.SignalRefer();
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, GateOpenings);

        _indicators.SignalPass();
        _time.Advance(TimeSpan.FromSeconds(5));
        _indicators.Clear();
        _indicators.SignalRefer();
        _time.Advance(TimeSpan.FromSeconds(5));
        _indicators.SignalPass();
        _time.Advance(TimeSpan.FromSeconds(5));
        _indicators.SignalFault();
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(2, GateOpenings);
        Assert.Equal(PinValue.Low, _driver.LevelOf(_options.GatePin));
    }

    [Fact]
    public void PassAndReferLightTheirOwnLampAndClearTurnsBothOff()
    {
        _indicators.SignalPass();
        Assert.Equal(PinValue.High, _driver.LevelOf(_options.PassLedPin));
        Assert.Equal(PinValue.Low, _driver.LevelOf(_options.ReferLedPin));
        Assert.Equal("pass", _indicators.Buzzer.Playing?.Name);

        _indicators.SignalRefer();
        Assert.Equal(PinValue.Low, _driver.LevelOf(_options.PassLedPin));
        Assert.Equal(PinValue.High, _driver.LevelOf(_options.ReferLedPin));
        Assert.Equal("refer", _indicators.Buzzer.Playing?.Name);

        _indicators.SignalFault();
        Assert.Equal("fault", _indicators.Buzzer.Playing?.Name);

        _indicators.Clear();
        Assert.Equal(PinValue.Low, _driver.LevelOf(_options.PassLedPin));
        Assert.Equal(PinValue.Low, _driver.LevelOf(_options.ReferLedPin));
    }

    [Fact]
    public void ManualReleasePulsesTheGateForTheConfiguredTime()
    {
        _indicators.OpenGate();
        Assert.Equal(PinValue.High, _driver.LevelOf(_options.GatePin));
        _time.Advance(TimeSpan.FromMilliseconds(_options.GatePulseMs));
        Assert.Equal(PinValue.Low, _driver.LevelOf(_options.GatePin));
        Assert.Equal(1, GateOpenings);
    }

    [Fact]
    public void ABrokenOutputLineDoesNotStopTheOthers()
    {
        _driver.FailWrites(_options.PassLedPin);
        _indicators.SignalPass();
        Assert.Equal(1, GateOpenings);
        Assert.Equal("pass", _indicators.Buzzer.Playing?.Name);
        _driver.FailWrites(_options.PassLedPin, fail: false);
    }

    [Fact]
    public void TheAssistButtonRaisesOneAssistRequestedAlertPerPress()
    {
        var events = new RecordingEventSink();
        var alerts = new AlertCenter(_time, new InMemoryEventSequence(), [events], NullLogger<AlertCenter>.Instance);
        using var button = new AssistButton(_gpio, _options.AssistButtonPin, _options.AssistButtonActiveLow, TimeSpan.FromMilliseconds(_options.DebounceMs), _time);
        using var handler = new AssistButtonHandler(button, alerts, NullLogger<AssistButtonHandler>.Instance);

        _driver.Press(_options.AssistButtonPin);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _driver.Release(_options.AssistButtonPin);
        _driver.Press(_options.AssistButtonPin);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        _driver.Release(_options.AssistButtonPin);
        _time.Advance(TimeSpan.FromMilliseconds(100));

        var alert = Assert.Single(events.Alerts);
        Assert.Equal(AlertKinds.AssistRequested, alert.Kind);
        Assert.Empty(alerts.Active); // a one-off notification, not a lasting condition
    }

    [Fact]
    public void OptionsValidationRejectsSharedPinsAndOutOfRangeValues()
    {
        var bad = new GpioOptions { PassLedPin = 17, DebounceMs = 0 };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(bad, new(bad), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(GpioOptions.DebounceMs)));

        bad.DebounceMs = 30;
        results.Clear();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(bad, new(bad), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("pin 17", StringComparison.Ordinal));
    }
}
