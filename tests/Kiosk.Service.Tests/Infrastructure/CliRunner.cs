using Kiosk.Service.Cli;

namespace Kiosk.Service.Tests.Infrastructure;

/// <summary>Runs the <c>kiosk</c> command line in process, as <c>Program</c> does, and checks its one-line errors.</summary>
internal static class CliRunner
{
    /// <summary>Exit code, stdout and stderr of one command line.</summary>
    public static async Task<(int Code, string Out, string Error)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await KioskCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A bad input: non-zero exit, one line <c>error: …</c> on stderr containing <paramref name="expected"/>, no stack trace.</summary>
    public static void AssertOneLineError((int Code, string Out, string Error) result, string expected, int code = 2)
    {
        Assert.Equal(code, result.Code);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", result.Error);
    }
}
