namespace Kiosk.Drivers.Tests;

/// <summary>Finds tests/data/&lt;area&gt; from the test binaries, walking up to the repository.</summary>
internal static class TestData
{
    public static string Directory(string area)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "data", area);
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/data/{area} not found above {AppContext.BaseDirectory}");
    }
}
