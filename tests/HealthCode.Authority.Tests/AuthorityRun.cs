namespace HealthCode.Authority.Tests;

/// <summary>Runs <c>hc-authority</c> in-process through its parser, as a user would from the shell.</summary>
internal static class AuthorityRun
{
    public static Task<(int Exit, string Out, string Err)> Run(params string[] args) => RunAt(null, args);

    /// <summary>Runs on the given clock (message times, the 24 h of replaced manifests).</summary>
    public static async Task<(int Exit, string Out, string Err)> RunAt(TimeProvider? time, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AuthorityCli.RunAsync(args, stdout, stderr, CancellationToken.None, time);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs on the given clock and requires exit 0; returns stdout.</summary>
    public static async Task<string> OkAt(TimeProvider time, params string[] args)
    {
        var (exit, output, error) = await RunAt(time, args);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        return output;
    }

    /// <summary>As <see cref="InputError"/>, on the given clock.</summary>
    public static async Task InputErrorAt(TimeProvider time, string expected, params string[] args)
    {
        var (exit, output, error) = await RunAt(time, args);
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith("error: ", error);
        Assert.Contains(expected, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Runs and requires exit 0; returns stdout.</summary>
    public static async Task<string> Ok(params string[] args)
    {
        var (exit, output, error) = await Run(args);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        return output;
    }

    /// <summary>Runs and requires an input error: exit 2, nothing on stdout, one line "error: ..." containing <paramref name="expected"/>.</summary>
    public static async Task InputError(string expected, params string[] args)
    {
        var (exit, output, error) = await Run(args);
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith("error: ", error);
        Assert.Contains(expected, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
