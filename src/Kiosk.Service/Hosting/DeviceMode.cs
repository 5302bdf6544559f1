using System.Device.Gpio;
using Kiosk.Drivers.Gpio;
using Kiosk.Drivers.Mlx90614;
using Kiosk.Service.Camera;
using Kiosk.Service.Checkpoint;
using Kiosk.Service.Codes;
using Kiosk.Service.Colors;
using Kiosk.Service.Fleet;
using Kiosk.Service.Outputs;
using Kiosk.Service.Screen;
using Kiosk.Service.Temperature;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Hosting;

/// <summary>Hardware, or the simulated devices at the hardware boundary (I²C chip, GPIO driver, frame source, PNG sink).</summary>
public enum DeviceMode
{
    Hardware,
    Simulated,
}
