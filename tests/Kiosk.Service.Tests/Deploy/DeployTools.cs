using System.Diagnostics;

namespace Kiosk.Service.Tests.Deploy;

/// <summary>A fact that is skipped, with the install hint, when a command-line tool it drives is not installed.</summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        var missing = tools.Where(tool => DeployTools.Find(tool) is null).ToArray();
        if (missing.Length > 0)
        {
            Skip = $"not installed: {string.Join(", ", missing)} (apt-get install {string.Join(" ", missing.Select(DeployTools.AptPackageOf).Distinct())})";
        }
    }
}

/// <summary>The repository's deploy folder and the external tools the deploy tests run.</summary>
internal static class DeployTools
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    public static string RepositoryRoot => Root.Value;

    public static string RaspberryPiDir => Path.Combine(RepositoryRoot, "deploy", "raspberrypi");

    /// <summary>deploy/fleet: the fleet console's package (kiosk-fleet).</summary>
    public static string FleetDir => Path.Combine(RepositoryRoot, "deploy", "fleet");

    /// <summary>deploy/lib: what the package scripts share.</summary>
    public static string LibDir => Path.Combine(RepositoryRoot, "deploy", "lib");

    /// <summary>
    /// The build output of src/Kiosk.Service next to this test run (same configuration): a framework-dependent,
    /// portable tree with the <c>kiosk</c> launcher and the web console, what a cheap publish gives.
    /// </summary>
    public static string KioskBuildDir
    {
        get
        {
            var baseDirectory = AppContext.BaseDirectory.TrimEnd('/');
            var configuration = Path.GetFileName(Path.GetDirectoryName(baseDirectory))!;
            var framework = Path.GetFileName(baseDirectory);
            var dir = Path.Combine(RepositoryRoot, "src", "Kiosk.Service", "bin", configuration, framework);
            Assert.True(File.Exists(Path.Combine(dir, "kiosk")), $"{dir}/kiosk was not built");
            return dir;
        }
    }

    /// <summary>The .NET installation running the tests (for a framework-dependent launcher's DOTNET_ROOT).</summary>
    public static string DotnetRoot => Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    public static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);

    public static string AptPackageOf(string tool) => tool switch
    {
        "systemd-analyze" => "systemd",
        "dpkg-deb" => "dpkg",
        "readelf" => "binutils",
        _ => tool,
    };

    /// <summary>Runs a tool to completion and returns its exit code and output. The timeout only guards against a hang.</summary>
    public static async Task<ToolResult> RunAsync(string tool, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Find(tool) ?? tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["LC_ALL"] = "C";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var stdout = process.StandardOutput.ReadToEndAsync(guard.Token);
        var stderr = process.StandardError.ReadToEndAsync(guard.Token);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HealthCode.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("HealthCode.sln not found above the test output folder");
    }
}

/// <summary>Exit code and output of one tool run.</summary>
internal sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;

    public override string ToString() => $"exit {ExitCode}\n{Output}";
}

/// <summary>A temporary directory removed at dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Path = Directory.CreateTempSubdirectory("kiosk-deploy-").FullName;

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }
}
