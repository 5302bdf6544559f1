using System.Text.Json;

namespace Kiosk.Testing;

/// <summary>
/// The shared sample checkpoint scenario (<c>tests/data/scenario-sample</c>, copied from shared/testdata, see its
/// NOTICE): codes, a trust list and feed messages made by another implementation. Compiled into every test project.
/// </summary>
internal static class SampleScenario
{
    /// <summary>The directory, found above the test output directory.</summary>
    public static string Directory { get; } = Find();

    /// <summary>The authority key the scenario pins (base64 SubjectPublicKeyInfo).</summary>
    public static string AuthorityKeyBase64 { get; } =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "scenario.json"))).RootElement.GetProperty("authorityKey").GetString()!;

    /// <summary>One of its files.</summary>
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "data", "scenario-sample");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/data/scenario-sample not found above the test output directory");
    }
}
