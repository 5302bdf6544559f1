using System.CommandLine;

namespace Kiosk.Service.Cli;

/// <summary>The <c>kiosk</c> command line (specs/cli.md). Each subcommand lives in its own file.</summary>
public static class KioskCli
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("kiosk: the health-code checkpoint kiosk (show code, confirm identity, measure temperature, classify and act)");
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
    }

    /// <summary>Parses and runs. Parse errors and input errors are one line on stderr and a non-zero exit.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var root = CreateRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // The error naming what was typed ("Unrecognized command or argument 'x'") says more than the generic
            // "Required command was not provided" that comes with it.
            var error = parse.Errors.FirstOrDefault(e => parse.UnmatchedTokens.Any(t => e.Message.Contains(t, StringComparison.Ordinal))) ?? parse.Errors[0];
            stderr.WriteLine($"error: {OneLine(error.Message)}");
            return 2;
        }

        try
        {
            // No ProcessTerminationTimeout: System.CommandLine would add its own SIGINT/SIGTERM handlers beside Program's
            // and the host's; its handler could then cancel a token source the finished invocation had already disposed
            // (an ObjectDisposedException on Ctrl-C), and on SIGTERM it would end `kiosk run` after 2 s, cutting the
            // host's clean stop (status offline, outbox) short. Ctrl-C comes through cancellationToken; SIGTERM stops
            // the host through its own lifetime.
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, cancellationToken);
        }
        catch (CliInputException ex)
        {
            stderr.WriteLine($"error: {OneLine(ex.Message)}");
            return 2;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not an input error: still one line, with the type so a developer can find it.
            stderr.WriteLine($"error: {ex.GetType().Name}: {OneLine(ex.Message)}");
            return 1;
        }
    }

    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}

/// <summary>Bad input from the user (missing file, unreadable image, bad option value): printed as one line, exit 2.</summary>
public sealed class CliInputException(string message, Exception? inner = null) : Exception(message, inner);
