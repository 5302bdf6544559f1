using System.Globalization;
using Kiosk.Service.Checkpoint;
using Kiosk.Service.Simulation;

namespace Kiosk.Service.Cli;

/// <summary>The visitor table of <c>demo</c> and <c>run --scenario</c>: visitor, outcome, reason, via, latency. No personal data.</summary>
public static class ResultTable
{
    public static void Write(TextWriter output, IReadOnlyList<VisitorResult> results, IReadOnlyList<string>? notes = null)
    {
        output.WriteLine($"{"visitor",-8} {"at",-9} {"outcome",-8} {"reason",-24} {"via",-5} {"temp °C",8} {"latency ms",11}{(notes is null ? string.Empty : "  note")}");
        foreach (var result in results)
        {
            var note = notes is not null && result.Index < notes.Count ? "  " + notes[result.Index] : string.Empty;
            if (result.Record is not { } record)
            {
                var what = result.Visitor.Assist ? "assist button pressed (no code)" : "no code shown";
                output.WriteLine($"{result.Index,-8} {result.SteppedUpAt:HH:mm:ss} {"-",-8} {what,-24} {"-",-5} {"-",8} {"-",11}{note}");
                continue;
            }

            var temperature = record.ReportedTemperatureC?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-";
            output.WriteLine(
                $"{result.Index,-8} {result.SteppedUpAt:HH:mm:ss} {PolicyNames.Of(record.Decision.Outcome),-8} {PolicyNames.Of(record.Decision.Reason),-24} {PolicyNames.Of(record.Via),-5} {temperature,8} {record.Latency.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture),11}{note}");
        }

        output.WriteLine("latency: code seen (or card found) to decision in simulated time, i.e. the sensor's and reader's timing (decoding and verifying take no");
        output.WriteLine("simulated time); wall-clock figures come from bench/Kiosk.Bench.");
    }
}
