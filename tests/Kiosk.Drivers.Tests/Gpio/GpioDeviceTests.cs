using System.Device.Gpio;
using Kiosk.Drivers.Gpio;
using Kiosk.Service.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Drivers.Tests.Gpio;

/// <summary>Gate relay, LEDs, buzzer and assist button on the simulated GPIO driver, in fake time.</summary>
public sealed class GpioDeviceTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
    private readonly SimulatedGpioDriver _driver;
    private readonly GpioController _gpio;

    public GpioDeviceTests()
    {
        _driver = new SimulatedGpioDriver(_time);
        _gpio = new GpioController(_driver);
    }

    public void Dispose() => _gpio.Dispose();

    [Fact]
    public void GateRelayPulsesForTheConfiguredLength()
    {
        using var relay = new GateRelay(_gpio, 17, activeHigh: true, TimeSpan.FromMilliseconds(1500), _time);
        Assert.Equal(PinValue.Low, _driver.LevelOf(17));

        var before = _driver.EdgesOf(17).Count;
        relay.Open();
        Assert.Equal(PinValue.High, _driver.LevelOf(17));
        _time.Advance(TimeSpan.FromMilliseconds(1499));
        Assert.Equal(PinValue.High, _driver.LevelOf(17));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(PinValue.Low, _driver.LevelOf(17));

        var edges = _driver.EdgesOf(17).Skip(before).ToList();
        Assert.Equal([PinValue.High, PinValue.Low], edges.Select(e => e.Value));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), edges[1].At - edges[0].At);
    }

    [Fact]
    public void GateRelayActiveLowInvertsLevelsAndASecondRequestExtendsWithoutANewEdge()
    {
        using var relay = new GateRelay(_gpio, 6, activeHigh: false, TimeSpan.FromSeconds(1), _time);
        Assert.Equal(PinValue.High, _driver.LevelOf(6));
        relay.Open();
        _time.Advance(TimeSpan.FromMilliseconds(600));
        relay.Open();
        _time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal(PinValue.Low, _driver.LevelOf(6)); // still closed: extended
        _time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(PinValue.High, _driver.LevelOf(6));
        Assert.Equal(1, _driver.CountEdgesTo(6, PinValue.Low));
        Assert.Equal(1, relay.PulseCount);
    }

    [Fact]
    public void LedsFollowOnAndOffWithTheirActiveLevel()
    {
        using var pass = new IndicatorLed(_gpio, 27, activeHigh: true, "pass LED");
        using var refer = new IndicatorLed(_gpio, 22, activeHigh: false, "refer LED");
        pass.On();
        refer.On();
        Assert.Equal(PinValue.High, _driver.LevelOf(27));
        Assert.Equal(PinValue.Low, _driver.LevelOf(22));
        pass.Off();
        refer.Off();
        Assert.Equal(PinValue.Low, _driver.LevelOf(27));
        Assert.Equal(PinValue.High, _driver.LevelOf(22));
    }

    [Fact]
    public void DisposingAnOutputLeavesItsPinInactiveAndClosed()
    {
        var relay = new GateRelay(_gpio, 6, activeHigh: false, TimeSpan.FromSeconds(1), _time);
        var led = new IndicatorLed(_gpio, 27, activeHigh: true, "pass LED");
        var buzzer = new Buzzer(_gpio, 23, activeHigh: true, _time);
        relay.Open();
        led.On();
        buzzer.Play(BuzzerPattern.Refer);
        Assert.Equal((PinValue.Low, PinValue.High, PinValue.High), (_driver.LevelOf(6), _driver.LevelOf(27), _driver.LevelOf(23)));

        relay.Dispose();
        led.Dispose();
        buzzer.Dispose();

        Assert.Equal((PinValue.High, PinValue.Low, PinValue.Low), (_driver.LevelOf(6), _driver.LevelOf(27), _driver.LevelOf(23)));
        Assert.False(_gpio.IsPinOpen(6) || _gpio.IsPinOpen(27) || _gpio.IsPinOpen(23));
        Assert.Null(buzzer.Playing);
        _time.Advance(TimeSpan.FromSeconds(5)); // no timer left to write to a closed pin
    }

    [Fact]
    public void BuzzerPatternsPlayTheirExactOnOffTiming()
    {
        using var buzzer = new Buzzer(_gpio, 23, activeHigh: true, _time);
        foreach (var pattern in new[] { BuzzerPattern.Pass, BuzzerPattern.Refer, BuzzerPattern.Fault })
        {
            var before = _driver.EdgesOf(23).Count;
            buzzer.Play(pattern);
            Step(pattern.Duration + TimeSpan.FromSeconds(1));
            Assert.Null(buzzer.Playing);
            Assert.Equal(PinValue.Low, _driver.LevelOf(23));

            var edges = _driver.EdgesOf(23).Skip(before).ToList();
            Assert.Equal(pattern.Steps.Count + 1, edges.Count);
            for (var i = 0; i < pattern.Steps.Count; i++)
            {
                Assert.Equal(i % 2 == 0 ? PinValue.High : PinValue.Low, edges[i].Value);
                Assert.Equal(pattern.Steps[i], edges[i + 1].At - edges[i].At);
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>FakeTimeProvider fires due timers at the end of one Advance: step in 1 ms so each edge gets its own time.</summary>
    private void Step(TimeSpan total)
    {
        for (var t = TimeSpan.Zero; t < total; t += TimeSpan.FromMilliseconds(1))
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }
    }

    [Fact]
    public void TheThreePatternsAreDistinct()
    {
        var patterns = new[] { BuzzerPattern.Pass, BuzzerPattern.Refer, BuzzerPattern.Fault };
        Assert.Equal(3, patterns.Select(p => string.Join(",", p.Steps.Select(s => s.TotalMilliseconds))).Distinct().Count());
        Assert.Equal(3, patterns.Select(p => (p.Steps.Count + 1) / 2).Distinct().Count()); // 1, 2 and 5 beeps
    }

    [Fact]
    public void ANewPatternCutsTheOnePlaying()
    {
        using var buzzer = new Buzzer(_gpio, 23, activeHigh: true, _time);
        buzzer.Play(BuzzerPattern.Refer);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        buzzer.Play(BuzzerPattern.Pass);
        Assert.Equal("pass", buzzer.Playing?.Name);
        _time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Null(buzzer.Playing);
        Assert.Equal(PinValue.Low, _driver.LevelOf(23));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(PinValue.Low, _driver.LevelOf(23)); // the cut refer pattern does not come back
    }

    [Fact]
    public void AssistButtonIsDebouncedOneEventPerPress()
    {
        using var button = new AssistButton(_gpio, 5, activeLow: true, TimeSpan.FromMilliseconds(30), _time);
        var presses = 0;
        button.Pressed += (_, _) => presses++;

        // A bouncy press: contacts chatter for a few ms, then hold.
        _driver.Press(5);
        _time.Advance(TimeSpan.FromMilliseconds(2));
        _driver.Release(5);
        _time.Advance(TimeSpan.FromMilliseconds(3));
        _driver.Press(5);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _driver.Release(5);
        _driver.Press(5);
        Assert.Equal(0, presses);
        _time.Advance(TimeSpan.FromMilliseconds(30));
        Assert.Equal(1, presses);

        // Bouncy release, held pressed meanwhile counts nothing new.
        _time.Advance(TimeSpan.FromSeconds(1));
        _driver.Release(5);
        _time.Advance(TimeSpan.FromMilliseconds(2));
        _driver.Press(5);
        _time.Advance(TimeSpan.FromMilliseconds(2));
        _driver.Release(5);
        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(1, presses);

        // A second clean press.
        _driver.Press(5);
        _time.Advance(TimeSpan.FromMilliseconds(40));
        _driver.Release(5);
        _time.Advance(TimeSpan.FromMilliseconds(40));
        Assert.Equal(2, presses);
        Assert.Equal(2, button.PressCount);
    }

    [Fact]
    public void AGlitchShorterThanTheDebounceIsIgnored()
    {
        using var button = new AssistButton(_gpio, 5, activeLow: true, TimeSpan.FromMilliseconds(30), _time);
        var presses = 0;
        button.Pressed += (_, _) => presses++;
        _driver.Press(5);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        _driver.Release(5);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, presses);
    }

    [Fact]
    public void SimulatedDriverRecordsEdgesWithTimestampsAndInjectsWriteFaults()
    {
        using var led = new IndicatorLed(_gpio, 4, activeHigh: true, "pass LED");
        _time.Advance(TimeSpan.FromSeconds(3));
        led.On();
        var edge = _driver.EdgesOf(4).Last();
        Assert.Equal(new PinEdge(4, PinValue.High, _time.GetUtcNow(), Driven: true), edge);

        _driver.FailWrites(4);
        Assert.Throws<IOException>(led.Off);
        _driver.FailWrites(4, fail: false);
        led.Off();
        Assert.Equal(PinValue.Low, _driver.LevelOf(4));
    }

    [Fact]
    public async Task SimulatedDriverWakesAWaiterOnTheRequestedEdge()
    {
        _gpio.OpenPin(9, PinMode.InputPullUp);
        var wait = Task.Run(() => _gpio.WaitForEvent(9, PinEventTypes.Falling, TimeSpan.FromSeconds(30)));

        // The waiter registers on its own thread: toggle the input until it has seen a falling edge.
        await Poll.UntilAsync(
            () =>
            {
                if (wait.IsCompleted)
                {
                    return true;
                }

                _driver.Release(9);
                _driver.Press(9);
                return false;
            },
            "the waiter to see a falling edge",
            changed: _ => Task.WhenAny(wait, Task.Delay(Poll.DefaultPause)));

        var result = await wait;
        Assert.False(result.TimedOut);
        Assert.Equal(PinEventTypes.Falling, result.EventTypes);
    }
}
