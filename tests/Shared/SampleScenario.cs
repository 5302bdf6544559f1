using System.Text.Json;

namespace Kiosk.Testing;

/// <summary>
/// The shared sample checkpoint scenario (<c>tests/data/scenario-sample</c>, copied from shared/testdata, see its
/// NOTICE): codes, a trust list and feed messages made by another implementation. Compiled into every test project.
/// </summary>
internal static class SampleScenario
{
    /// <summary>The directory, found above the test output directory.</summary>
    public static string Directory { get; } = TestDataDirectory.Find("scenario-sample");

    /// <summary>The authority key the scenario pins (base64 SubjectPublicKeyInfo).</summary>
    public static string AuthorityKeyBase64 { get; } =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "scenario.json"))).RootElement.GetProperty("authorityKey").GetString()!;

    /// <summary>One of its files.</summary>
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

}

/// <summary>
/// The shared identity sample (<c>tests/data/identity-sample</c>, copied from shared/testdata, see its NOTICE): two
/// scenarios, <c>document</c> and <c>none</c> (identity.md), each with its <c>expected.json</c>.
/// </summary>
internal static class IdentitySample
{
    /// <summary>The scenarios' names.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["document", "none"];

    /// <summary>The directory of one scenario.</summary>
    public static string Directory(string mode) => Path.Combine(TestDataDirectory.Find("identity-sample"), mode);
}

/// <summary>A folder of <c>tests/data</c>, found above the test output directory.</summary>
internal static class TestDataDirectory
{
    public static string Find(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "data", name);
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/data/{name} not found above the test output directory");
    }
}
