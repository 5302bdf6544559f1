using System.CommandLine;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Mqtt;
using Kiosk.Service.Hosting;
using Kiosk.Simulation;
using Kiosk.Simulation.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Cli;

/// <summary><c>kiosk demo [--out DIR]</c>: fresh keys, codes and color data; a scenario covering PASS and every REFER reason, played simulated.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo?>("--out") { Description = "Where to leave the scenario, screens, audio and events (default ./demo-out)" };
        var command = new Command("demo", "Make demo keys, codes, color data and a scenario; play it simulated; print the result table") { output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var directory = Path.GetFullPath(parse.GetValue(output)?.FullName ?? "demo-out");
            var scenarioDirectory = Path.Combine(directory, "scenario");
            var screens = Path.Combine(directory, "screens");
            var audio = Path.Combine(directory, "audio");
            var events = Path.Combine(directory, "events.jsonl");
            try
            {
                foreach (var folder in new[] { screens, audio })
                {
                    if (Directory.Exists(folder))
                    {
                        Directory.Delete(folder, recursive: true);
                    }

                    Directory.CreateDirectory(folder);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new KioskInputException($"cannot write to {directory}: {ex.Message}");
            }

            var (scenarioPath, visitors) = DemoWorld.Create(scenarioDirectory);
            stdout.WriteLine($"Demo: {visitors.Count} visitors, simulated kiosk, virtual time from {DemoWorld.Start:yyyy-MM-dd HH:mm} UTC");
            var scenario = Scenario.Load(scenarioPath);
            var started = TimeProvider.System.GetTimestamp();
            var results = await SimulationRunner.PlayScenarioAsync(
                scenario, new RunOptions(KioskCli.ConfigFile(parse), true, scenarioPath, events, screens, null, audio), fleet: true, logging: null,
                alongside: (provider, token) => SayWhereTheEmbeddedBrokerIsAsync(provider, stdout, token), cancellationToken);
            var elapsed = TimeProvider.System.GetElapsedTime(started);

            stdout.WriteLine();
            ResultTable.Write(stdout, results, visitors.Select(v => v.Story).ToList());
            ResultTable.WritePrompts(stdout, results);
            var mismatches = results
                .Where(r => r.Record is { } record ? PolicyNames.Of(record.Decision.Reason) != visitors[r.Index].Expected : visitors[r.Index].Expected != "-")
                .Select(r => r.Index)
                .ToList();
            var simulated = results.Count > 0 ? results[^1].SteppedUpAt - scenario.Start : TimeSpan.Zero;
            stdout.WriteLine();
            stdout.WriteLine($"{results.Count - mismatches.Count}/{results.Count} visitors decided as the policy demands; {simulated.TotalMinutes:0} simulated minutes in {elapsed.TotalSeconds:0.0} s.");
            stdout.WriteLine($"Screens: {screens}");
            stdout.WriteLine($"Events:  {events}");
            stdout.WriteLine($"Audio:   {audio} (every prompt as heard, e.g. 0002-measuring.zh.wav)");
            stdout.WriteLine($"Scenario (replay with `kiosk run --simulate --scenario`): {scenarioPath}");
            if (mismatches.Count > 0)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: visitors {string.Join(", ", mismatches)} were not decided as the policy demands");
                return 1;
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// Without <c>Fleet:Host</c> the demo's kiosk publishes to a broker of its own: one line says so and where, so its
    /// status and events can be watched. The fleet connection starts it; this takes its port (the start is idempotent).
    /// </summary>
    private static Task SayWhereTheEmbeddedBrokerIsAsync(IServiceProvider provider, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (provider.GetRequiredService<IOptions<FleetOptions>>().Value.HasBroker)
        {
            return Task.CompletedTask;
        }

        var broker = provider.GetRequiredService<EmbeddedBroker>();
        var prefix = provider.GetRequiredService<FleetTopics>().Prefix;
        return Task.Run(
            async () =>
            {
                try
                {
                    var port = await broker.StartAsync(cancellationToken);
                    stdout.WriteLine($"fleet: embedded MQTT broker on 127.0.0.1:{port} (subscribe with mosquitto_sub -p {port} -t '{prefix}/#' -v)");
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
                {
                    // No broker to name: the fleet connection reports its own failure to connect.
                }
            },
            cancellationToken);
    }
}
