namespace Kiosk.Fleet;

/// <summary>Recent scan latencies (camera frame to QR text), for telemetry percentiles.</summary>
public interface IScanLatencySource
{
    /// <summary>The latest samples in milliseconds (any number; empty when none).</summary>
    IReadOnlyList<double> RecentScanLatenciesMs();
}
