using System.Text.Json;

namespace HealthCode.Formats.Tests.Feed;

/// <summary>Locates tests/data/scenario-sample (copied from shared/testdata, see its NOTICE).</summary>
internal static class FeedTestData
{
    public static string Directory { get; } = Find();

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    public static string AuthorityKeyBase64 { get; } =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "scenario.json"))).RootElement.GetProperty("authorityKey").GetString()!;

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
