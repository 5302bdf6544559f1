namespace Kiosk.Service.Tests.Deploy;

/// <summary>A systemd unit file read as (section, key, value) entries, in order; keys may repeat.</summary>
internal sealed class UnitFile
{
    private readonly List<(string Section, string Key, string Value)> _entries = [];

    public static UnitFile Load(string path)
    {
        var unit = new UnitFile();
        var section = string.Empty;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[' && line[^1] == ']')
            {
                section = line[1..^1];
                continue;
            }

            var equals = line.IndexOf('=');
            if (equals > 0)
            {
                unit._entries.Add((section, line[..equals].Trim(), line[(equals + 1)..].Trim()));
            }
        }

        return unit;
    }

    public IReadOnlyList<string> All(string section, string key) =>
        _entries.Where(e => e.Section == section && e.Key == key).Select(e => e.Value).ToList();

    /// <summary>The effective value of a single-valued key: the last assignment.</summary>
    public string? Get(string section, string key) => All(section, key).LastOrDefault();
}
