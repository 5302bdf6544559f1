using System.Device.Gpio;
using Kiosk.Devices.Outputs;
using Kiosk.Devices.Temperature;
using Kiosk.Drivers.Camera;
using Kiosk.Drivers.Gpio;
using Kiosk.Drivers.Mlx90614;
using Kiosk.Simulation;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Simulation;

/// <summary>The world's background work (the finger leaving the assist button) is cancellable and its failure is not lost.</summary>
public sealed class SimulatedWorldTests
{
    private static (SimulatedWorld World, GpioController Gpio, FakeTimeProvider Time) Create()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var driver = new SimulatedGpioDriver(time);
        var gpio = new GpioController(driver);
        var options = new GpioOptions();
        gpio.OpenPin(options.AssistButtonPin, PinMode.InputPullUp);
        var thermometer = new ThermometerScene(new Mlx90614Emulator(time, seed: 1), new Kiosk.Service.Tests.Deploy.FixedOptionsMonitor<ThermometerOptions>(new ThermometerOptions()));
        var world = new SimulatedWorld(new SimulatedCamera(new CameraOptions { Source = CameraSourceKind.Simulated }, time), thermometer, driver, options, time);
        return (world, gpio, time);
    }

    [Fact]
    public async Task AFailureOfTheButtonsReleaseSurfacesAtTheNextCall()
    {
        var (world, gpio, time) = Create();
        using (gpio)
        using (world)
        {
            gpio.RegisterCallbackForPinValueChangedEvent(new GpioOptions().AssistButtonPin, PinEventTypes.Rising, (_, _) => throw new IOException("line lost"));
            world.PressAssist();
            time.Advance(TimeSpan.FromMilliseconds(200));
            await Poll.UntilAsync(() => Throws(world), "the release's failure to surface");
            Assert.Contains("line lost", Assert.Throws<InvalidOperationException>(world.ClearCamera).Message);
        }
    }

    [Fact]
    public void DisposingCancelsTheRelease()
    {
        var (world, gpio, time) = Create();
        using (gpio)
        {
            var pin = new GpioOptions().AssistButtonPin;
            world.PressAssist();
            Assert.Equal(PinValue.Low, gpio.Read(pin));
            world.Dispose();
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(PinValue.Low, gpio.Read(pin));
        }
    }

    private static bool Throws(SimulatedWorld world)
    {
        try
        {
            world.SetForehead(null, 0, seed: 0);
            return false;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
