using HealthCode.Formats;
using HealthCode.Formats.Feed;

namespace Kiosk.Service.Tests.Colors;

/// <summary>A signed manifest and its parts' exact bytes, as the authority publishes them.</summary>
internal sealed record BuiltManifest(ManifestMessage Manifest, byte[] Signed, IReadOnlyList<byte[]> Parts)
{
    public ulong Seq => Manifest.Seq;

    /// <summary>Writes <c>manifest.cose</c> and every <c>part-{i}.cbor</c> into a new folder under <paramref name="parent"/>.</summary>
    public string WriteFolder(string parent, string name)
    {
        var folder = Path.Combine(parent, name);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "manifest.cose"), Signed);
        for (var i = 0; i < Parts.Count; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, $"part-{i}.cbor"), Parts[i]);
        }

        return folder;
    }
}

/// <summary>Builds manifests: well-formed ones through the authority's <see cref="ManifestWriter"/>, malformed ones from parts crafted by hand.</summary>
internal static class ManifestBuilder
{
    /// <summary>A well-formed manifest of <paramref name="records"/> and <paramref name="documents"/> (sorted here into the spec's order).</summary>
    public static BuiltManifest Build(FeedWorld world, ulong seq, DateTimeOffset at, IEnumerable<ColorRecord> records, IEnumerable<DocumentRecord> documents, int maxPartBytes = 2048)
    {
        var parts = new List<byte[]>();
        var writer = new ManifestWriter(world.Feed, seq, maxPartBytes);
        writer.PartWritten += (index, bytes) =>
        {
            Xunit.Assert.Equal(parts.Count, index);
            parts.Add(bytes);
        };
        var sorted = records.ToArray();
        Array.Sort(sorted, (a, b) => FeedKeyOrder.Compare(a, b));
        foreach (var record in sorted)
        {
            writer.AddRecord(record);
        }

        var docs = documents.ToArray();
        Array.Sort(docs, (a, b) => FeedKeyOrder.Compare(a, b));
        foreach (var doc in docs)
        {
            writer.AddDocRecord(doc);
        }

        var manifest = writer.Finish(at);
        return new BuiltManifest(manifest, world.Sign(manifest), parts);
    }

    /// <summary>A manifest over hand-made parts (any of them malformed): its hashes are the parts' own, its counts the
    /// given ones or the parts' totals.</summary>
    public static BuiltManifest Crafted(FeedWorld world, ulong seq, DateTimeOffset at, IReadOnlyList<PartMessage> parts, ulong? records = null, ulong? documents = null)
    {
        var bytes = parts.Select(FeedPart.Encode).ToList();
        var manifest = new ManifestMessage(
            world.Feed,
            seq,
            at,
            records ?? (ulong)parts.Sum(p => p.Records.Count),
            documents ?? (ulong)parts.Sum(p => p.DocRecords.Count),
            bytes.Select(b => FeedPart.Hash(b)).ToList());
        return new BuiltManifest(manifest, world.Sign(manifest), bytes);
    }

    /// <summary>Records 0..count-1 sorted in the spec's order.</summary>
    public static ColorRecord[] SortedRecords(int count, Func<int, ColorRecord> make)
    {
        var records = Enumerable.Range(0, count).Select(make).ToArray();
        Array.Sort(records, (a, b) => FeedKeyOrder.Compare(a, b));
        return records;
    }

    /// <summary>Documents 0..count-1 sorted in the spec's order.</summary>
    public static DocumentRecord[] SortedDocuments(int count, Func<int, DocumentRecord> make)
    {
        var documents = Enumerable.Range(0, count).Select(make).ToArray();
        Array.Sort(documents, (a, b) => FeedKeyOrder.Compare(a, b));
        return documents;
    }
}
