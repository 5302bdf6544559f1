using System.Text.Json;

namespace Kiosk.Drivers.Tests.IdCard;

/// <summary>tests/data/idcard-frames/frames.json (copied to the output): the shared frame vectors of identity.md.</summary>
internal static class IdCardFrames
{
    public static IReadOnlyList<Frame> All { get; } = Load();

    public static Frame ReadReply => All.Single(f => f.Name.StartsWith("reply read ok", StringComparison.Ordinal));

    public static IEnumerable<Frame> Named(string prefix) => All.Where(f => f.Name.StartsWith(prefix, StringComparison.Ordinal));

    public static TheoryData<string> Names(string prefix)
    {
        var data = new TheoryData<string>();
        foreach (var frame in Named(prefix))
        {
            data.Add(frame.Name);
        }

        return data;
    }

    public static Frame Get(string name) => All.Single(f => f.Name == name);

    private static List<Frame> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "data", "idcard-frames", "frames.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.EnumerateArray().Select(e => new Frame(
            e.GetProperty("name").GetString()!,
            Convert.FromHexString(e.GetProperty("hex").GetString()!.Replace(" ", "", StringComparison.Ordinal)),
            e.TryGetProperty("transferError", out var t) && t.GetBoolean(),
            Text(e, "number"),
            Text(e, "name_text"),
            Text(e, "birth"),
            Text(e, "validFrom"),
            Text(e, "validTo"))).ToList();

        static string? Text(JsonElement e, string property) => e.TryGetProperty(property, out var p) ? p.GetString() : null;
    }

    internal sealed record Frame(string Name, byte[] Bytes, bool TransferError, string? Number, string? HolderName, string? Birth, string? ValidFrom, string? ValidTo)
    {
        public override string ToString() => Name;
    }
}
