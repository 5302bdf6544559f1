using System.Device.Gpio;
using Kiosk.Devices.Screen;
using Kiosk.Devices.Temperature;
using Kiosk.Drivers;
using Kiosk.Drivers.Camera;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Hosting;

/// <summary>
/// <c>kiosk run</c> on hardware, before the service starts: every device the configuration names must be there
/// (GPIO opened through the chosen driver, the I²C bus, the camera, the display). A missing one is a setup problem:
/// one line naming the device and the fix (<see cref="DeviceUnavailableException"/>), not a stack trace. Once
/// running, a device that fails is a fault the kiosk reports (alerts) and survives. A simulated kiosk needs none.
/// </summary>
internal static class HardwareCheck
{
    /// <exception cref="DeviceUnavailableException">The first device that is not there.</exception>
    public static void Run(IServiceProvider services, string root = "/")
    {
        ArgumentNullException.ThrowIfNull(services);
        _ = services.GetRequiredService<GpioController>();

        var bus = services.GetRequiredService<IOptions<ThermometerOptions>>().Value.BusId;
        Require($"I2C bus {bus}", Path.Combine(root, $"dev/i2c-{bus}"), "enable I2C (deploy/raspberrypi/setup-pi.sh, or dtparam=i2c_arm=on in config.txt) or set Thermometer:BusId");

        var camera = services.GetRequiredService<IOptions<CameraOptions>>().Value;
        switch (camera.Source)
        {
            case CameraSourceKind.Uvc:
                Require("camera", Path.Combine(root, camera.Device.TrimStart('/')), "connect the USB camera or set Camera:Device");
                break;
            case CameraSourceKind.RpiCam:
                try
                {
                    _ = new RpicamFrameSource(camera, TimeProvider.System).ResolveCommand();
                }
                catch (CameraFaultException ex)
                {
                    throw new DeviceUnavailableException("camera", ex.Message, "apt-get install rpicam-apps-lite, or set Camera:RpicamCommand");
                }

                break;
        }

        var display = services.GetRequiredService<IOptions<DisplayOptions>>().Value;
        if (!string.IsNullOrWhiteSpace(display.FramebufferDevice))
        {
            Require("display", Path.Combine(root, display.FramebufferDevice.TrimStart('/')), "connect the panel or HDMI screen, or set Display:FramebufferDevice to \"\" (and Display:PngFile)");
        }

        if (display.SpiPanel is { } spi)
        {
            Require("display", Path.Combine(root, $"dev/spidev{spi.BusId}.{spi.ChipSelect}"), "enable SPI (dtparam=spi=on) or set Display:SpiPanel");
        }
    }

    private static void Require(string device, string path, string fix)
    {
        if (!File.Exists(path))
        {
            throw new DeviceUnavailableException(device, $"there is no {path}", fix);
        }
    }
}
