using System.Globalization;
using Kiosk.Core.Checkpoint;
using Kiosk.Drivers.Audio;
using Kiosk.Simulation;

namespace Kiosk.Service.Cli;

/// <summary>The visitor table of <c>demo</c> and <c>run --scenario</c>: visitor, outcome, reason, via, latency. No personal data.</summary>
internal static class ResultTable
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

    /// <summary>The prompts spoken per visitor, e.g. <c>measuring (cut), pass, idle</c>; nothing when none was spoken.</summary>
    public static void WritePrompts(TextWriter output, IReadOnlyList<VisitorResult> results)
    {
        var clips = results.Sum(r => r.Prompts.Count);
        if (clips == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine($"{"visitor",-8} spoken (each prompt in the configured languages; \"cut\": cut short by the next screen)");
        foreach (var result in results)
        {
            output.WriteLine($"{result.Index,-8} {string.Join(", ", SpokenPrompts(result.Prompts).Select(p => p.Cut ? $"{p.Name} (cut)" : p.Name))}");
        }

        var cut = results.Sum(r => r.Prompts.Count(p => p.Cut));
        output.WriteLine($"{clips} clips spoken, {cut} cut short.");
    }

    /// <summary>Clips grouped into prompts (<c>pass.zh</c>, <c>pass.en</c> → <c>pass</c>); a prompt is cut when one of its clips was.</summary>
    public static IReadOnlyList<(string Name, bool Cut)> SpokenPrompts(IReadOnlyList<PlayedClip> clips)
    {
        var prompts = new List<(string Name, bool Cut)>();
        var languages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var clip in clips)
        {
            var dot = clip.Name.LastIndexOf('.');
            var (name, language) = dot > 0 ? (clip.Name[..dot], clip.Name[(dot + 1)..]) : (clip.Name, string.Empty);
            if (prompts.Count > 0 && prompts[^1].Name == name && languages.Add(language))
            {
                prompts[^1] = (name, prompts[^1].Cut || clip.Cut);
                continue;
            }

            languages.Clear();
            languages.Add(language);
            prompts.Add((name, clip.Cut));
        }

        return prompts;
    }
}
