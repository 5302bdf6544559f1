using System.Globalization;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Camera;
using Kiosk.Devices.Screen;
using Kiosk.Devices.Temperature;
using Kiosk.Fleet;
using static Kiosk.Fleet.SelfTestVerdict;

namespace Kiosk.Service.Hosting;

/// <summary>
/// The fleet <c>selftest</c> command: exercises each device without opening the gate — redraws the current
/// screen on every sink (which speaks its prompt again), sounds the fault pattern and clears the lamps, and reports the thermometer's bus
/// statistics, the camera's frame count, the color data and the active alerts.
/// </summary>
internal sealed class KioskSelfTest(
    ScreenPresenter screen,
    IIndicators indicators,
    BodyThermometer thermometer,
    CameraCodeReader camera,
    IColorStore colors,
    IAlerts alerts) : ISelfTest
{
    public Task<IReadOnlyDictionary<string, string>> RunAsync(CancellationToken cancellationToken)
    {
        var report = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (screen.Current is { } current)
        {
            screen.Show(current);
        }

        var active = alerts.Active;
        report["display"] = active.Contains(AlertKinds.DisplayFault) ? Format(Fault, "display_fault is active")
            : screen.Sinks.Count == 0 ? Format(None, "no screen configured (Display:FramebufferDevice, SpiPanel or PngFile)")
            : Format(Ok, screen.Sinks.Count == 1 ? "the current screen was drawn again" : $"the current screen was drawn again on {screen.Sinks.Count.ToString(CultureInfo.InvariantCulture)} outputs");
        report["sound"] = active.Contains(AlertKinds.AudioFault) ? Format(Fault, "audio_fault is active") : Format(Ok, "the screen's prompt is spoken again (unless Voice:Enabled is false)");
        indicators.SignalFault();
        indicators.Clear();
        report["gate and lamps"] = Format(Ok, "fault tone played, lamps cleared; the gate was not opened");
        var stats = thermometer.SensorStatistics;
        report["thermometer"] = active.Contains(AlertKinds.ThermometerFault) ? Format(Fault, "thermometer_fault is active")
            : stats.Transfers == 0 ? Format(Untested, "no reading since the kiosk started")
            : Format(Ok, $"{stats.Transfers.ToString(CultureInfo.InvariantCulture)} reads, {stats.Rejected.ToString(CultureInfo.InvariantCulture)} rejected, {stats.FailedReads.ToString(CultureInfo.InvariantCulture)} failed");
        report["camera"] = active.Contains(AlertKinds.CameraFault) ? Format(Fault, "camera_fault is active")
            : Format(Ok, $"{camera.FramesDecoded.ToString(CultureInfo.InvariantCulture)} frames decoded since start");
        if (active.Contains(AlertKinds.CardReaderFault))
        {
            report["card reader"] = Format(Fault, "card_reader_fault is active");
        }

        var state = colors.State;
        report["color data"] = state.Seq is null ? Format(Fault, "no color data yet (kiosk colors import, or the feed)")
            : active.Contains(AlertKinds.ColorDataStale) ? Format(Fault, $"stale: feed {state.Feed}, seq {state.Seq.Value.ToString(CultureInfo.InvariantCulture)}, in sync as of {state.InSyncAsOf?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "never"}")
            : Format(Ok, $"feed {state.Feed}, seq {state.Seq.Value.ToString(CultureInfo.InvariantCulture)}, {state.RecordCount.ToString(CultureInfo.InvariantCulture)} records, in sync as of {state.InSyncAsOf?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "never"}");
        report["alerts"] = active.Count == 0 ? Format(Ok, "none active") : Format(Fault, string.Join(", ", active));
        return Task.FromResult<IReadOnlyDictionary<string, string>>(report);
    }
}
