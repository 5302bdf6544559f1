using System.Device.Gpio;
using System.Device.Spi;
using Iot.Device.Ili934x;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Display.Sinks;
using Kiosk.Display.Sinks.Framebuffer;
using Kiosk.Display.Sinks.Ili934x;
using Microsoft.Extensions.Logging;

namespace Kiosk.Devices.Screen;

/// <summary>Opens the sinks <see cref="DisplayOptions"/> names. A sink that cannot open raises <c>display_fault</c> and is left out.</summary>
public static partial class DisplaySinks
{
    /// <summary>Opens every configured sink that can be opened.</summary>
    /// <param name="options">The display options.</param>
    /// <param name="alerts">Where an unopenable sink is reported.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="gpio">GPIO controller for the SPI panel's D/C, reset and backlight lines (shared with the outputs); null = a new one.</param>
    public static IReadOnlyList<IFrameSink> Open(DisplayOptions options, IAlerts alerts, ILogger logger, GpioController? gpio = null)
    {
        var sinks = new List<IFrameSink>();
        var failures = new List<string>();

        void TryOpen(string what, Func<IFrameSink> open)
        {
            try
            {
                sinks.Add(open());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException or DllNotFoundException or EntryPointNotFoundException or InvalidOperationException or ArgumentException)
            {
                LogOpenFailed(logger, what, ex.Message);
                failures.Add($"{what}: {OneLine.Of(ex.Message)}");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.FramebufferDevice))
        {
            var device = options.FramebufferDevice;
            TryOpen($"fb:{device}", () => FramebufferSink.OpenDevice(device, options.FramebufferRotation));
        }

        if (options.SpiPanel is { } spi)
        {
            TryOpen($"spi:{spi.BusId}.{spi.ChipSelect}", () =>
            {
                var device = SpiDevice.Create(new SpiConnectionSettings(spi.BusId, spi.ChipSelect) { ClockFrequency = spi.ClockHz, Mode = Ili9341.DefaultSpiMode });
                try
                {
                    var panel = new Ili9341(device, spi.DataCommandPin, spi.ResetPin, spi.BacklightPin, gpioController: gpio, shouldDispose: gpio is null);
                    return new Ili9341Sink(panel, spi.Rotation);
                }
                catch
                {
                    device.Dispose();
                    throw;
                }
            });
        }

        if (!string.IsNullOrWhiteSpace(options.PngFile))
        {
            var file = options.PngFile;
            TryOpen($"png:{file}", () => new PngFileSink(file));
        }

        if (failures.Count > 0)
        {
            alerts.Raise(AlertKinds.DisplayFault, string.Join("; ", failures));
        }

        return sinks;
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Error, Message = "Display sink {Sink} could not be opened: {Reason}")]
    private static partial void LogOpenFailed(ILogger logger, string sink, string reason);
}
