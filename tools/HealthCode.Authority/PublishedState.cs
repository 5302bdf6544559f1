using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthCode.Authority;

/// <summary>
/// What the tool published on the snapshot topic of each broker and prefix (a small JSON file, <c>--state</c>), so that
/// the parts of a manifest a newer snapshot or manifest replaced can be cleared once they have stayed retained for
/// <see cref="KeepSuperseded"/> (color-feed.md: at least 24 h after the replacement). Written atomically.
/// </summary>
internal sealed class PublishedState
{
    /// <summary>How long the parts of a replaced manifest stay retained.</summary>
    public static readonly TimeSpan KeepSuperseded = TimeSpan.FromHours(24);

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly string _path;

    private PublishedState(string path, List<Entry> entries)
    {
        _path = path;
        Entries = entries;
    }

    /// <summary>One snapshot-topic message: a manifest (with its part count and the SHA-256 of its bytes, hex) or a whole snapshot (no parts).</summary>
    internal sealed record Entry(string Broker, string Prefix, string Feed, ulong Seq, int Parts, DateTimeOffset PublishedAt, DateTimeOffset? SupersededAt, string? Manifest = null);

    private sealed record FileModel(List<Entry> Published);

    public List<Entry> Entries { get; }

    /// <summary>The default state file: <c>hc-authority-state.json</c> in the current folder.</summary>
    public static string DefaultPath => Path.Combine(Environment.CurrentDirectory, "hc-authority-state.json");

    /// <summary>Reads the file; a missing file is an empty state.</summary>
    /// <exception cref="AuthorityInputException">Unreadable or not a state file.</exception>
    public static PublishedState Load(string path)
    {
        if (!File.Exists(path))
        {
            return new PublishedState(path, []);
        }

        try
        {
            var model = JsonSerializer.Deserialize<FileModel>(File.ReadAllText(path), Json);
            if (model?.Published is not { } entries || entries.Any(e => e is null || string.IsNullOrEmpty(e.Broker) || e.Prefix is null || e.Feed is null || e.Parts < 0))
            {
                throw new AuthorityInputException($"--state '{path}' is not a state file of hc-authority");
            }

            return new PublishedState(path, entries);
        }
        catch (JsonException ex)
        {
            throw new AuthorityInputException($"--state '{path}' is not a state file of hc-authority: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuthorityInputException($"cannot read --state '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Records that <paramref name="seq"/> now holds the snapshot topic of <paramref name="broker"/> and <paramref name="prefix"/>:
    /// every other message there is replaced as of <paramref name="now"/> (the clock of its 24 h starts, once).
    /// </summary>
    /// <summary>
    /// The authority never publishes two manifests with one seq (color-feed.md): a manifest of <paramref name="seq"/>
    /// other than <paramref name="manifestHash"/> already published on this broker and prefix, and not yet cleared.
    /// </summary>
    public Entry? OtherManifestWithSeq(string broker, string prefix, ulong seq, string manifestHash) =>
        Entries.FirstOrDefault(e => e.Broker == broker && e.Prefix == prefix && e.Seq == seq && e.Manifest is not null && e.Manifest != manifestHash);

    public void Published(string broker, string prefix, string feed, ulong seq, int parts, DateTimeOffset now, string? manifestHash = null)
    {
        Entries.RemoveAll(e => e.Broker == broker && e.Prefix == prefix && e.Seq == seq && e.Feed == feed);
        for (var n = 0; n < Entries.Count; n++)
        {
            var e = Entries[n];
            if (e.Broker == broker && e.Prefix == prefix && e.SupersededAt is null)
            {
                Entries[n] = e with { SupersededAt = now };
            }
        }

        // A whole snapshot has no parts to clear: once replaced it needs no entry.
        Entries.RemoveAll(e => e.Parts == 0 && e.SupersededAt is not null);
        Entries.Add(new Entry(broker, prefix, feed, seq, parts, now, null, manifestHash));
    }

    /// <summary>Manifests of this broker and prefix replaced at least <see cref="KeepSuperseded"/> before <paramref name="now"/>.</summary>
    public IReadOnlyList<Entry> Due(string broker, string prefix, DateTimeOffset now) =>
        [.. Entries.Where(e => e.Broker == broker && e.Prefix == prefix && e.SupersededAt is { } at && now - at >= KeepSuperseded)];

    /// <summary>Replaced manifests still waiting for their 24 h.</summary>
    public IReadOnlyList<Entry> Waiting(string broker, string prefix, DateTimeOffset now) =>
        [.. Entries.Where(e => e.Broker == broker && e.Prefix == prefix && e.SupersededAt is { } at && now - at < KeepSuperseded)];

    public void Remove(Entry entry) => Entries.Remove(entry);

    /// <summary>Writes the file atomically (a temporary file renamed over it).</summary>
    public void Save()
    {
        var temporary = _path + ".tmp";
        try
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(_path));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }

            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, new FileModel(Entries), Json);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, _path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuthorityInputException($"cannot write --state '{_path}': {ex.Message}", ex);
        }
    }
}
