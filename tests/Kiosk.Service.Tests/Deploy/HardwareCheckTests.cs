using System.Device.Gpio;
using Kiosk.Core;
using Kiosk.Drivers;
using Kiosk.Drivers.Gpio;
using Kiosk.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Deploy;

/// <summary><c>kiosk run</c> on hardware checks the devices its configuration names, under a stand-in root.</summary>
public sealed class HardwareCheckTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hw-root-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddSingleton(sp => new GpioController(new SimulatedGpioDriver(sp.GetRequiredService<TimeProvider>())));
        services.AddKiosk(configuration, new KioskParts { Devices = DeviceMode.Hardware });
        return services.BuildServiceProvider();
    }

    private void Device(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_root, path))!);
        File.WriteAllText(Path.Combine(_root, path), "");
    }

    [Fact]
    public void EachMissingDeviceIsNamedWithItsFixAllPresentPasses()
    {
        using var services = Services(new() { ["Camera:Source"] = "Uvc", ["Camera:Device"] = "/dev/video0", ["Display:FramebufferDevice"] = "/dev/fb0" });
        var error = Assert.Throws<DeviceUnavailableException>(() => HardwareCheck.Run(services, _root));
        Assert.Equal($"I2C bus 1: there is no {_root}/dev/i2c-1; enable I2C (deploy/raspberrypi/setup-pi.sh, or dtparam=i2c_arm=on in config.txt) or set Thermometer:BusId", error.Message);

        Device("dev/i2c-1");
        Assert.StartsWith("camera: there is no ", Assert.Throws<DeviceUnavailableException>(() => HardwareCheck.Run(services, _root)).Message, StringComparison.Ordinal);

        Device("dev/video0");
        Assert.Contains("Display:FramebufferDevice", Assert.Throws<DeviceUnavailableException>(() => HardwareCheck.Run(services, _root)).Message, StringComparison.Ordinal);

        Device("dev/fb0");
        HardwareCheck.Run(services, _root);
    }
}
