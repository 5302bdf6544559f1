using System.CommandLine;
using System.CommandLine.Parsing;
using Kiosk.Core;
using Microsoft.Extensions.Configuration;

namespace Kiosk.Service.Cli;

/// <summary>The <c>kiosk</c> command line (specs/cli.md). Each subcommand lives in its own file.</summary>
internal static class KioskCli
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("kiosk: the health-code checkpoint kiosk (show code, confirm identity, measure temperature, classify and act)");
        root.Options.Add(new Option<FileInfo?>(ConfigOption)
        {
            Description = "Configuration file (JSON), on top of appsettings.json and /etc/kiosk/kiosk.json; for every command",
            Recursive = true,
        });
        foreach (var command in Commands())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    private static IEnumerable<Command> Commands()
    {
        yield return RunCommand.Create();
        yield return DemoCommand.Create();
        yield return InspectCommand.Create();
        yield return ColorsCommand.Create();
        yield return RenderCommand.Create();
        yield return ScanCommand.Create();
        yield return SpeakCommand.Create();
        yield return FleetCommand.Create();
        yield return EnrollCommand.Create();
    }

    /// <summary>Parses and runs. Parse errors and input errors are one line on stderr and a non-zero exit.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var root = CreateRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && UnknownCommand(parse) is { } unknownCommand)
        {
            stderr.WriteLine($"error: {unknownCommand}");
            return 2;
        }

        if (parse.Errors.Count > 0)
        {
            // The error naming what was typed ("Unrecognized command or argument 'x'") says more than the generic
            // "Required command was not provided" that comes with it.
            var error = parse.Errors.FirstOrDefault(e => parse.UnmatchedTokens.Any(t => e.Message.Contains(t, StringComparison.Ordinal))) ?? parse.Errors[0];
            stderr.WriteLine($"error: {OneLine.Of(error.Message)}");
            return 2;
        }

        if (UnknownOption(parse) is { } unknown)
        {
            stderr.WriteLine($"error: unknown option '{OneLine.Of(unknown)}' (see kiosk {parse.CommandResult.Command.Name} --help)");
            return 2;
        }

        try
        {
            if (ConfigFile(parse) is { } configFile)
            {
                // Checked once for every command, whether or not it reads a setting.
                if (!File.Exists(configFile))
                {
                    throw new KioskInputException($"config file not found: {configFile}");
                }

                _ = Hosting.KioskConfiguration.Build(configFile, includeSystemFile: false);
            }

            // No ProcessTerminationTimeout: System.CommandLine would add its own SIGINT/SIGTERM handlers beside Program's
            // and the host's; its handler could then cancel a token source the finished invocation had already disposed
            // (an ObjectDisposedException on Ctrl-C), and on SIGTERM it would end `kiosk run` after 2 s, cutting the
            // host's clean stop (status offline, outbox) short. Ctrl-C comes through cancellationToken; SIGTERM stops
            // the host through its own lifetime.
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, cancellationToken);
        }
        catch (KioskInputException ex)
        {
            stderr.WriteLine($"error: {OneLine.Of(ex.Message)}");
            return 2;
        }
        catch (Kiosk.Drivers.DeviceUnavailableException ex)
        {
            // A device the configuration names is not on this machine: a setup problem, said with its fix.
            stderr.WriteLine($"error: {OneLine.Of(ex.Message)}");
            return 2;
        }
        catch (Exception ex) when (Hosting.KioskServices.ConfigurationError(ex) is { } message)
        {
            // A configuration error met after start-up validation (a trust list file that cannot be read, say).
            stderr.WriteLine($"error: {OneLine.Of(message)}");
            return 2;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not an input error: still one line, with the type so a developer can find it.
            stderr.WriteLine($"error: {ex.GetType().Name}: {OneLine.Of(ex.Message)}");
            return 1;
        }
    }

    /// <summary>
    /// <c>unknown command 'dmeo' (did you mean 'demo'?)</c>: the first token that is not a subcommand where the
    /// command takes one, with the closest command by edit distance (a transposition is one edit), or the list when
    /// none is close.
    /// </summary>
    private static string? UnknownCommand(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToArray();
        if (names.Length == 0 || parse.UnmatchedTokens.FirstOrDefault() is not { Length: > 0 } typed || typed[0] == '-'
            || parse.CommandResult.Tokens.Count > 0)
        {
            return null;
        }

        var shown = OneLine.Of(typed.Length > 64 ? typed[..64] + "…" : typed);
        var closest = names.Select(n => (Name: n, Distance: EditDistance(typed.ToLowerInvariant(), n))).OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).First();
        return closest.Distance <= Math.Max(2, closest.Name.Length / 2)
            ? $"unknown command '{shown}' (did you mean '{closest.Name}'?)"
            : $"unknown command '{shown}' (commands: {string.Join(", ", names)})";
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.</summary>
    internal static int EditDistance(string a, string b)
    {
        if (a.Length > 256 || b.Length > 256)
        {
            return int.MaxValue;
        }

        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>
    /// A token that looks like an option but matched none. System.CommandLine binds such a token to a command's
    /// argument when there is one (<c>inspect --nope</c> became the code text); after <c>--</c> it is an argument.
    /// </summary>
    private static string? UnknownOption(ParseResult parse)
    {
        foreach (var token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                return null;
            }

            if (token.Type == TokenType.Argument && token.Value.Length > 1 && token.Value[0] == '-' && !char.IsAsciiDigit(token.Value[1]) && token.Value[1] != '.')
            {
                return token.Value;
            }
        }

        return null;
    }

    /// <summary><c>--config FILE</c>, an option of every command.</summary>
    public const string ConfigOption = "--config";

    /// <summary>The <c>--config</c> file given, as a full path, or null.</summary>
    public static string? ConfigFile(ParseResult parse) => parse.GetValue<FileInfo?>(ConfigOption)?.FullName;

    /// <summary>The configuration every command reads its settings from: the service's sources (<see cref="Hosting.KioskConfiguration"/>) with <c>--config</c>.</summary>
    public static IConfigurationRoot Configuration(ParseResult parse, IReadOnlyDictionary<string, string?>? overrides = null) =>
        Hosting.KioskConfiguration.Build(ConfigFile(parse), overrides);
}
