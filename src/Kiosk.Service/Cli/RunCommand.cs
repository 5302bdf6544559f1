using System.CommandLine;
using Kiosk.Core;
using Kiosk.Service.Hosting;
using Kiosk.Simulation;

namespace Kiosk.Service.Cli;

/// <summary><c>kiosk run [--config FILE] [--simulate [--scenario FILE [--data DIR]] [--events FILE] [--screens DIR] [--mqtt HOST:PORT] [--audio DIR]]</c>.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var simulate = new Option<bool>("--simulate") { Description = "Simulated camera, thermometer, GPIO and display instead of hardware" };
        var scenario = new Option<FileInfo?>("--scenario") { Description = "Play this scenario (cli.md) in virtual time and exit when the last visitor is done" };
        var events = new Option<FileInfo?>("--events") { Description = "Write one JSON line per decision to this file" };
        var screens = new Option<DirectoryInfo?>("--screens") { Description = "Save every shown screen as PNG in this directory" };
        var mqtt = new Option<string?>("--mqtt") { Description = "Fleet broker HOST:PORT (replaces the configured or embedded broker)" };
        var audio = new Option<DirectoryInfo?>("--audio") { Description = "Write every spoken prompt, as heard, as a WAV file in this directory" };
        var data = new Option<DirectoryInfo?>("--data") { Description = "With --scenario: keep the kiosk's state (color store, outbox, event seq) in this directory across runs instead of a temporary one" };
        var command = new Command("run", "Run the kiosk service (as systemd starts it), or a simulation of it")
        {
            simulate, scenario, events, screens, mqtt, audio, data,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new RunOptions(
                KioskCli.ConfigFile(parse),
                parse.GetValue(simulate),
                parse.GetValue(scenario)?.FullName,
                parse.GetValue(events)?.FullName,
                parse.GetValue(screens)?.FullName,
                ParseBroker(parse.GetValue(mqtt)),
                parse.GetValue(audio)?.FullName)
            {
                DataDirectory = parse.GetValue(data)?.FullName,
            };
            if (!options.Simulate && (options.ScenarioFile ?? options.EventsFile ?? options.ScreensDirectory ?? options.AudioDirectory) is not null)
            {
                throw new KioskInputException("--scenario, --events, --screens and --audio need --simulate");
            }

            if (options.DataDirectory is not null && options.ScenarioFile is null)
            {
                throw new KioskInputException("--data needs --simulate --scenario (the service keeps its state in Kiosk:DataDirectory)");
            }

            if (options.ScreensDirectory is { } screensDirectory)
            {
                PrepareScreensDirectory(screensDirectory);
            }

            if (options.ScenarioFile is { } scenarioFile)
            {
                var loaded = Scenario.Load(scenarioFile);
                var results = await SimulationRunner.PlayScenarioAsync(loaded, options, fleet: true, cancellationToken);
                ResultTable.Write(parse.InvocationConfiguration.Output, results);
                ResultTable.WritePrompts(parse.InvocationConfiguration.Output, results);
                return 0;
            }

            return await KioskHost.RunAsync(options, cancellationToken);
        });
        return command;
    }

    /// <summary><c>--screens DIR</c> is refused up front when it cannot be a directory (a file, no rights), not met later as a display fault.</summary>
    private static void PrepareScreensDirectory(string directory)
    {
        if (File.Exists(directory))
        {
            throw new KioskInputException($"--screens {directory} is a file, not a directory");
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KioskInputException($"--screens {directory}: {ex.Message}", ex);
        }
    }

    /// <summary>Parses <c>HOST:PORT</c>; null when absent.</summary>
    public static (string Host, int Port)? ParseBroker(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1 || !int.TryParse(value.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
        {
            throw new KioskInputException($"--mqtt must be HOST:PORT (got '{value}')");
        }

        return (value[..colon].Trim('[', ']'), port);
    }
}
