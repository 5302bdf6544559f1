using System.CommandLine;
using System.Globalization;

namespace HealthCode.Authority;

/// <summary>The <c>hc-authority</c> command line. Each command group lives in its own file; adding one is one line in <see cref="Groups"/>.</summary>
public static class AuthorityCli
{
    /// <param name="time">The clock (default the system's): message times and the 24 h of replaced manifests.</param>
    public static RootCommand CreateRoot(TimeProvider? time = null)
    {
        var root = new RootCommand("hc-authority: keys, health codes, trust lists and color-feed messages for tests, demos and load tests");
        foreach (var group in Groups(time ?? TimeProvider.System))
        {
            root.Subcommands.Add(group);
        }

        return root;
    }

    private static IEnumerable<Command> Groups(TimeProvider time)
    {
        yield return KeyCommands.Create();
        yield return CodeCommands.Create();
        yield return TrustCommands.Create();
        yield return FeedCommands.Create(time);
        yield return CardCommands.Create();
    }

    /// <summary>Parses and runs; input errors are one line on stderr and exit code 2.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        var parse = CreateRoot(time).Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"error: {OneLine(parse.Errors[0].Message)}");
            return 2;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (AuthorityInputException ex)
        {
            stderr.WriteLine($"error: {OneLine(ex.Message)}");
            return 2;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
    }

    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>An ISO 8601 instant, or an input error naming the option.</summary>
    public static DateTimeOffset ParseInstant(string text, string option) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant
            : throw new AuthorityInputException($"{option} is not an ISO 8601 time: '{text}'");

    /// <summary>A color given as 0-2 or as its name (green, yellow, red).</summary>
    public static bool TryParseColor(string text, out HealthCode.Formats.HealthColor color)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "green" or "0":
                color = HealthCode.Formats.HealthColor.Green;
                return true;
            case "yellow" or "1":
                color = HealthCode.Formats.HealthColor.Yellow;
                return true;
            case "red" or "2":
                color = HealthCode.Formats.HealthColor.Red;
                return true;
            default:
                color = default;
                return false;
        }
    }

    /// <summary>Reads a file or fails with a one-line input error.</summary>
    public static string ReadText(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuthorityInputException($"cannot read {what} '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Writes a file (creating its folder) or fails with a one-line input error.</summary>
    public static void WriteFile(string path, ReadOnlySpan<byte> bytes)
    {
        try
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }

            File.WriteAllBytes(path, bytes.ToArray());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuthorityInputException($"cannot write '{path}': {ex.Message}", ex);
        }
    }
}

/// <summary>Bad input to <c>hc-authority</c>: printed as one line, exit code 2.</summary>
public sealed class AuthorityInputException(string message, Exception? inner = null) : Exception(message, inner);
