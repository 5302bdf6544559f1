using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Kiosk.Colors;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Screen;
using Kiosk.Fleet;
using Kiosk.FleetConsole;
using Kiosk.Mqtt;
using Kiosk.Service.Tests.Deploy;
using Kiosk.Simulation;

namespace Kiosk.Service.Tests.Boundaries;

/// <summary>
/// The walls between the assemblies (docs/architecture.md) are project references, which the compiler keeps: these tests
/// pin the graph, so that a new reference is a decision someone makes here, not a slip.
/// </summary>
public sealed partial class BoundaryTests
{
    /// <summary>Each project of <c>src</c> and the projects it may reference, no more (the executable: every one).</summary>
    private static readonly Dictionary<string, string[]> AllowedProjectReferences = new()
    {
        ["HealthCode.Formats"] = [],
        ["Kiosk.Drivers"] = [],
        ["Kiosk.Display"] = [],
        ["Kiosk.Core"] = ["HealthCode.Formats"],
        ["Kiosk.Colors"] = ["Kiosk.Core"],
        ["Kiosk.Devices"] = ["Kiosk.Core", "Kiosk.Drivers", "Kiosk.Display"],
        ["Kiosk.Mqtt"] = ["Kiosk.Core"],
        ["Kiosk.Fleet"] = ["Kiosk.Core", "Kiosk.Colors", "Kiosk.Mqtt"],
        ["Kiosk.FleetConsole"] = ["Kiosk.Core", "Kiosk.Mqtt"],
        ["Kiosk.FleetWeb"] = ["Kiosk.Core", "Kiosk.Mqtt", "Kiosk.FleetConsole"],
        ["Kiosk.Simulation"] = ["Kiosk.Core", "Kiosk.Colors", "Kiosk.Devices"],
        ["Kiosk.Service"] = ["Kiosk.Core", "Kiosk.Colors", "Kiosk.Devices", "Kiosk.Fleet", "Kiosk.FleetConsole", "Kiosk.FleetWeb", "Kiosk.Simulation"],
    };

    /// <summary>What an assembly must never reach, directly or through another: an assembly name and the names below it
    /// (<c>MQTTnet</c> covers <c>MQTTnet.Server</c>), or with <c>=</c> that name only.</summary>
    private static readonly (Assembly Assembly, string[] Forbidden)[] Walls =
    [
        (typeof(CheckpointLoop).Assembly, ["Kiosk.Drivers", "Kiosk.Display", "Microsoft.Data.Sqlite", "SQLitePCLRaw", "MQTTnet", "Microsoft.Extensions.Hosting", "System.CommandLine", "Kiosk.Colors", "Kiosk.Devices", "Kiosk.Mqtt", "Kiosk.Fleet", "Kiosk.Simulation", "kiosk"]),
        (typeof(ColorStore).Assembly, ["MQTTnet", "Kiosk.Mqtt", "Kiosk.Fleet", "Kiosk.Drivers", "Kiosk.Display", "Kiosk.Devices", "System.CommandLine", "kiosk"]),
        (typeof(ScreenPresenter).Assembly, ["MQTTnet", "Kiosk.Mqtt", "Kiosk.Fleet", "Kiosk.Colors", "Microsoft.Data.Sqlite", "System.CommandLine", "kiosk"]),
        (typeof(FleetService).Assembly, ["Kiosk.Devices", "Kiosk.Drivers", "Kiosk.Display", "System.CommandLine", "kiosk"]),
        (typeof(FleetConnection).Assembly, ["Kiosk.Colors", "Kiosk.Fleet", "Kiosk.Devices", "Kiosk.Drivers", "Kiosk.Display", "Microsoft.Data.Sqlite", "System.CommandLine", "kiosk"]),
        (typeof(FleetWatch).Assembly, ["Kiosk.Colors", "Kiosk.Fleet", "Kiosk.Devices", "Kiosk.Drivers", "Kiosk.Display", "Microsoft.Data.Sqlite", "System.CommandLine", "Microsoft.AspNetCore", "Kiosk.FleetWeb", "kiosk"]),
        (typeof(Kiosk.FleetWeb.FleetWebServer).Assembly, ["Kiosk.Colors", "Kiosk.Fleet", "Kiosk.Devices", "Kiosk.Drivers", "Kiosk.Display", "Kiosk.Simulation", "System.CommandLine", "kiosk"]),
        (typeof(ScenarioPlayer).Assembly, ["MQTTnet", "Kiosk.Mqtt", "Kiosk.Fleet", "System.CommandLine", "=Microsoft.Extensions.Hosting", "Microsoft.Extensions.Hosting.Systemd", "kiosk"]),
    ];

    private static string Src => Path.Combine(DeployTools.RepositoryRoot, "src");

    [Fact]
    public void EveryProjectReferencesOnlyWhatTheArchitectureAllows()
    {
        var projects = Directory.EnumerateFiles(Src, "*.csproj", SearchOption.AllDirectories).ToDictionary(p => Path.GetFileNameWithoutExtension(p), p => p);
        Assert.Equal(AllowedProjectReferences.Keys.Order(), projects.Keys.Order());
        foreach (var (name, path) in projects)
        {
            var references = XDocument.Load(path).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))
                .Order()
                .ToArray();
            Assert.True(
                references.SequenceEqual(AllowedProjectReferences[name].Order()),
                $"{name} references {string.Join(", ", references)}; allowed: {string.Join(", ", AllowedProjectReferences[name])}");
        }
    }

    [Fact]
    public void NoAssemblyReachesPastItsWallsEvenThroughAnother()
    {
        foreach (var (assembly, forbidden) in Walls)
        {
            var reached = Closure(assembly);
            var breaches = reached.Where(name => forbidden.Any(f => f.StartsWith('=') ? name == f[1..] : name == f || name.StartsWith(f + ".", StringComparison.Ordinal))).ToList();
            Assert.True(breaches.Count == 0, $"{assembly.GetName().Name} reaches {string.Join(", ", breaches)}");
        }
    }

    [Fact]
    public void OnlyTheExecutableHoldsTheCommandLineAndTheHost()
    {
        var ours = new[] { typeof(CheckpointLoop), typeof(ColorStore), typeof(ScreenPresenter), typeof(FleetService), typeof(FleetConnection), typeof(FleetWatch), typeof(ScenarioPlayer) }
            .Select(t => t.Assembly);
        foreach (var assembly in ours)
        {
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), r => r.Name is "kiosk" or "System.CommandLine" or "Microsoft.Extensions.Hosting" or "Microsoft.Extensions.Hosting.Systemd");
        }
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

    /// <summary>The names of every assembly <paramref name="root"/> references, directly or through another of ours.</summary>
    private static SortedSet<string> Closure(Assembly root)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<AssemblyName>(root.GetReferencedAssemblies());
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name.Name!))
            {
                continue;
            }

            // Only our own assemblies are walked further: the framework's and packages' references are theirs.
            if (name.Name!.StartsWith("Kiosk.", StringComparison.Ordinal) || name.Name.StartsWith("HealthCode.", StringComparison.Ordinal))
            {
                foreach (var next in Assembly.Load(name).GetReferencedAssemblies())
                {
                    pending.Push(next);
                }
            }
        }

        return seen;
    }

    [GeneratedRegex(@"^public (?:(?:static|sealed|abstract|partial|readonly) )*(?:record struct|ref struct|class|record|interface|enum|struct) ")]
    private static partial Regex PublicType();
}
