using System.Globalization;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Camera;
using Kiosk.Devices.Screen;
using Kiosk.Devices.Temperature;
using Kiosk.Fleet;

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

        report["display"] = alerts.Active.Contains(AlertKinds.DisplayFault) ? "fault" : $"ok ({screen.Sinks.Count} sink(s))";
        report["sound"] = alerts.Active.Contains(AlertKinds.AudioFault) ? "fault" : "ok (the redrawn screen's prompt is spoken again, unless Voice:Enabled is false)";
        indicators.SignalFault();
        indicators.Clear();
        report["gpio"] = "ok (fault tone played, lamps cleared; gate not opened)";
        var stats = thermometer.SensorStatistics;
        report["thermometer"] = alerts.Active.Contains(AlertKinds.ThermometerFault) ? "fault" : $"ok ({stats})";
        report["camera"] = alerts.Active.Contains(AlertKinds.CameraFault) ? "fault" : $"ok ({camera.FramesDecoded.ToString(CultureInfo.InvariantCulture)} frames decoded)";
        var state = colors.State;
        report["colorData"] = $"feed {state.Feed}, seq {state.Seq?.ToString(CultureInfo.InvariantCulture) ?? "none"}, {state.RecordCount.ToString(CultureInfo.InvariantCulture)} records, in sync as of {state.InSyncAsOf?.ToString("O", CultureInfo.InvariantCulture) ?? "never"}";
        report["alerts"] = alerts.Active.Count == 0 ? "none" : string.Join(",", alerts.Active);
        return Task.FromResult<IReadOnlyDictionary<string, string>>(report);
    }
}
