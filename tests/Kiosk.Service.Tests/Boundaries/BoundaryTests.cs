using System.Text.RegularExpressions;
using Kiosk.Service.Tests.Deploy;

namespace Kiosk.Service.Tests.Boundaries;

/// <summary>The layering and the one-type-per-file rule, checked on the sources.</summary>
public sealed partial class BoundaryTests
{
    private static string Src => Path.Combine(DeployTools.RepositoryRoot, "src");

    /// <summary>
    /// The policy and the checkpoint know nothing of hosting (the host passes them what they need) nor of the display (they
    /// give prompts; the screen draws them).
    /// </summary>
    [Fact]
    public void TheCheckpointImportsNeitherHostingNorTheDisplay()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(Src, "Kiosk.Service", "Checkpoint"), "*.cs")
            .Where(f => File.ReadLines(f).Any(l => l.StartsWith("using Kiosk.Service.Hosting", StringComparison.Ordinal) || l.StartsWith("using Kiosk.Display", StringComparison.Ordinal)))
            .Select(Path.GetFileName)
            .ToList();
        Assert.True(offenders.Count == 0, $"Checkpoint files importing Hosting or the display: {string.Join(", ", offenders)}");
    }

    /// <summary>The simulation knows no command line: its bad input is its own exception, which the CLI prints as one line.</summary>
    [Fact]
    public void TheSimulationDoesNotThrowTheCliException()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(Src, "Kiosk.Service", "Simulation"), "*.cs")
            .Where(f => File.ReadAllText(f).Contains("CliInputException", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToList();
        Assert.True(offenders.Count == 0, $"Simulation files using the CLI's exception: {string.Join(", ", offenders)}");
    }

    [Fact]
    public void OnePublicTypePerFile()
    {
        var offenders = Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (File: Path.GetRelativePath(Src, f).Replace('\\', '/'), Types: File.ReadLines(f).Count(l => PublicType().IsMatch(l))))
            .Where(f => f.Types > 1)
            .Select(f => $"{f.File} ({f.Types})")
            .ToList();
        Assert.True(offenders.Count == 0, $"files with more than one public type: {string.Join(", ", offenders)}");
    }

    [GeneratedRegex(@"^public (?:(?:static|sealed|abstract|partial|readonly) )*(?:record struct|class|record|interface|enum|struct) ")]
    private static partial Regex PublicType();
}
