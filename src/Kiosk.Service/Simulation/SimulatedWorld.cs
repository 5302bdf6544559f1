using Kiosk.Drivers.Camera;
using Kiosk.Drivers.Gpio;
using Kiosk.Service.Cli;
using Kiosk.Service.Colors;
using Kiosk.Service.Outputs;
using Kiosk.Service.Temperature;
using SkiaSharp;

namespace Kiosk.Service.Simulation;

/// <summary>
/// The scenario's visitors acting on the simulated hardware: a phone in front of the simulated camera, a forehead
/// in front of the emulated MLX90614, a finger on the simulated assist button. Everything above is production code.
/// </summary>
public sealed class SimulatedWorld(SimulatedCamera camera, ThermometerScene thermometer, SimulatedGpioDriver gpio, GpioOptions gpioOptions, TimeProvider time) : ISimulatedWorld
{
    public void ShowQrText(string text, int seed) => camera.Show(new SimulatedScene.QrText(text));

    public void ShowQrImage(byte[] encodedImage, int seed)
    {
        var bitmap = SKBitmap.Decode(encodedImage) ?? throw new CliInputException("a visitor's qrImage is not a readable PNG, JPEG or WebP image");
        camera.Show(new SimulatedScene.Image(bitmap, SceneStyle.Default));
    }

    public void ClearCamera() => camera.Show(new SimulatedScene.Empty(Motion: false));

    public void SetForehead(double? coreTemperatureC, double noiseC, int seed)
    {
        thermometer.SensorNoiseC = noiseC;
        thermometer.PutVisitor(coreTemperatureC);
    }

    public void PressAssist()
    {
        var pressed = gpioOptions.AssistButtonActiveLow ? System.Device.Gpio.PinValue.Low : System.Device.Gpio.PinValue.High;
        var released = gpioOptions.AssistButtonActiveLow ? System.Device.Gpio.PinValue.High : System.Device.Gpio.PinValue.Low;
        gpio.SetInput(gpioOptions.AssistButtonPin, pressed);

        // A finger stays on the button for a fifth of a second, well past the debounce time.
        _ = ReleaseLaterAsync();

        async Task ReleaseLaterAsync()
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time);
            gpio.SetInput(gpioOptions.AssistButtonPin, released);
        }
    }
}

/// <summary>Scenario feed messages through the production feed processor.</summary>
public sealed class ProcessorFeedIngress(ColorFeedProcessor processor) : IFeedIngress
{
    public string Apply(byte[] message)
    {
        var outcome = processor.Process(message);
        processor.CheckHealth();
        return outcome.ToString();
    }
}
