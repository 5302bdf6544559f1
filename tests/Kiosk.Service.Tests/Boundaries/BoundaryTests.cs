using System.Text.RegularExpressions;
using Kiosk.Service.Tests.Deploy;

namespace Kiosk.Service.Tests.Boundaries;

/// <summary>The layering and the one-type-per-file rule, checked on the sources.</summary>
public sealed partial class BoundaryTests
{
    private static string Src => Path.Combine(DeployTools.RepositoryRoot, "src");

    /// <summary>The policy and the checkpoint know nothing of hosting: the host passes them what they need.</summary>
    [Fact]
    public void TheCheckpointDoesNotImportHosting()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(Src, "Kiosk.Service", "Checkpoint"), "*.cs")
            .Where(f => File.ReadLines(f).Any(l => l.StartsWith("using Kiosk.Service.Hosting", StringComparison.Ordinal)))
            .Select(Path.GetFileName)
            .ToList();
        Assert.True(offenders.Count == 0, $"Checkpoint files importing Hosting: {string.Join(", ", offenders)}");
    }

    /// <summary>
    /// Files that still hold more than one public type, being edited on other branches (formats, fleet, colors, the
    /// checkpoint's ports, simulation, identity, QR decoding): the list may only shrink.
    /// </summary>
    private static readonly HashSet<string> NotYetSplit =
    [
        "HealthCode.Formats/TrustList.cs", "HealthCode.Formats/FeedMessages.cs", "HealthCode.Formats/Codes/CodeInspection.cs",
        "HealthCode.Formats/Codes/HealthCodeVerifier.cs", "HealthCode.Formats/Model.cs", "Kiosk.Drivers/QrDecoding/QrDecodeResult.cs",
        "Kiosk.Drivers/Camera/CameraOptions.cs", "Kiosk.Drivers/Camera/LumaFrame.cs", "Kiosk.Display/ScreenModel.cs",
        "Kiosk.Display/Rendering/ScreenText.cs", "Kiosk.Service/Identity/IdentityOptions.cs", "Kiosk.Service/Simulation/VirtualTime.cs",
        "Kiosk.Service/Simulation/ScenarioFile.cs", "Kiosk.Service/Simulation/SimulatedWorld.cs", "Kiosk.Service/Simulation/ScenarioPlayer.cs",
        "Kiosk.Service/Demo/DemoWorld.cs", "Kiosk.Service/Fleet/SqliteOutbox.cs", "Kiosk.Service/Fleet/FleetConnection.cs",
        "Kiosk.Service/Fleet/TelemetryReporter.cs", "Kiosk.Service/Fleet/CommandPorts.cs", "Kiosk.Service/Fleet/FleetOptions.cs",
        "Kiosk.Service/Fleet/RuntimeConfigurationSource.cs", "Kiosk.Service/Fleet/RemoteConfiguration.cs", "Kiosk.Service/Checkpoint/CardPorts.cs",
        "Kiosk.Service/Checkpoint/Ports.cs", "Kiosk.Service/Checkpoint/Policy.cs", "Kiosk.Service/Checkpoint/CheckpointLoop.cs",
        "Kiosk.Service/Colors/ColorFeedOptions.cs", "Kiosk.Service/Colors/InMemoryAlerts.cs", "Kiosk.Service/Colors/ColorFeedProcessor.cs",
        "Kiosk.Service/Colors/FeedOutcome.cs",
    ];

    [Fact]
    public void OnePublicTypePerFile()
    {
        var offenders = Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (File: Path.GetRelativePath(Src, f).Replace('\\', '/'), Types: File.ReadLines(f).Count(l => PublicType().IsMatch(l))))
            .Where(f => f.Types > 1 && !NotYetSplit.Contains(f.File))
            .Select(f => $"{f.File} ({f.Types})")
            .ToList();
        Assert.True(offenders.Count == 0, $"files with more than one public type: {string.Join(", ", offenders)}");
    }

    [GeneratedRegex(@"^public (?:(?:static|sealed|abstract|partial|readonly) )*(?:record struct|class|record|interface|enum|struct) ")]
    private static partial Regex PublicType();
}
