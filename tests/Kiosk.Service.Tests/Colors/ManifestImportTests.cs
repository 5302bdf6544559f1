using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Colors;
using Kiosk.Service.Cli;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary><c>kiosk colors import DIR</c> (a manifest folder) and <c>kiosk colors status</c>'s fetch line, through the real parser.</summary>
public sealed class ManifestImportTests : IDisposable
{
    private readonly FeedWorld _w = new();

    public ManifestImportTests() => _w.Store.Dispose();

    public void Dispose() => _w.Dispose();

    private string[] Common => ["--db", _w.DatabasePath, "--authority-key", AuthorityKey.ToBase64Spki(_w.Authority), "--feed", _w.Feed];

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await KioskCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private BuiltManifest Province(ulong seq, int records = 400, int documents = 300) => ManifestBuilder.Build(
        _w,
        seq,
        T0.AddMinutes((double)seq),
        Enumerable.Range(0, records).Select(i => Record(i, (HealthColor)((i + (int)seq) % 3), (long)seq * 1000 + i)),
        Enumerable.Range(0, documents).Select(i => Document(i, (HealthColor)((i + (int)seq) % 3), (long)seq * 1000 + i)));

    private (ulong? Seq, long Records, long Documents) State()
    {
        using var store = ColorStore.Open(new ColorStoreSettings { DatabasePath = _w.DatabasePath, Feed = _w.Feed, AuthorityKey = _w.PublicKey });
        return (store.State.Seq, store.RecordCount, store.DocumentRecordCount);
    }

    private bool NothingStaged()
    {
        var folder = Path.Combine(_w.Directory, ManifestStaging.FolderName);
        return !Directory.Exists(folder) || Directory.GetFiles(folder).Length == 0;
    }

    [Fact]
    public async Task ImportOfAManifestFolderAppliesItAndIgnoresOtherFiles()
    {
        var built = Province(4);
        var folder = built.WriteFolder(_w.Directory, "province-4");
        File.WriteAllText(Path.Combine(folder, "README.txt"), "not a part");
        File.WriteAllBytes(Path.Combine(folder, "part-00.cbor"), [1, 2, 3]);

        var result = await Run(["colors", "import", folder, .. Common]);
        Assert.Equal(0, result.Code);
        Assert.Equal($"manifest_applied: manifest seq 4 applied: {built.Parts.Count} parts, 400 records, 300 document records", result.Out.Trim());
        Assert.Equal((4UL, 400L, 300L), State());
        Assert.True(NothingStaged());

        // An older folder afterwards is ignored as rule 2 says.
        var older = Province(3).WriteFolder(_w.Directory, "province-3");
        var ignored = await Run(["colors", "import", older, .. Common]);
        Assert.Equal(0, ignored.Code);
        Assert.StartsWith("manifest_ignored: manifest seq 3 is older than local seq 4", ignored.Out, StringComparison.Ordinal);
        Assert.Equal((4UL, 400L, 300L), State());
    }

    [Fact]
    public async Task ImportOfAManifestFileAloneSaysToImportItsFolder()
    {
        var folder = Province(4).WriteFolder(_w.Directory, "province-4");
        var manifest = Path.Combine(folder, "manifest.cose");
        var result = await Run(["colors", "import", manifest, .. Common]);
        Assert.Equal(2, result.Code);
        Assert.Equal($"error: {manifest} is a manifest: import its folder (manifest.cose and part-{{i}}.cbor) with kiosk colors import DIR", result.Err.Trim());
        Assert.True(NothingStaged());
    }

    public static TheoryData<string> Refusals() =>
    [
        "missing part",
        "wrong hash",
        "out of order",
        "manifest of another key",
        "part too large",
    ];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ImportOfABadManifestFolderRefusesTheWholeFolderAndKeepsNothing(string refusal)
    {
        var first = await Run(["colors", "import", Province(2, 50, 20).WriteFolder(_w.Directory, "base"), .. Common]);
        Assert.Equal(0, first.Code);
        var built = Province(5);
        var folder = built.WriteFolder(_w.Directory, "bad");
        var expected = "";
        switch (refusal)
        {
            case "missing part":
                File.Delete(Path.Combine(folder, "part-2.cbor"));
                expected = "part-2.cbor is missing";
                break;
            case "wrong hash":
                var bytes = built.Parts[3].ToArray();
                bytes[^1] ^= 1;
                File.WriteAllBytes(Path.Combine(folder, "part-3.cbor"), bytes);
                expected = "part 3 of manifest seq 5: its hash differs from the manifest's";
                break;
            case "out of order":
                var records = ManifestBuilder.SortedRecords(3, i => Record(i, HealthColor.Green, 1));
                var crafted = ManifestBuilder.Crafted(_w, 5, T0, [new PartMessage(_w.Feed, 5, 0, [records[0], records[2], records[1]], [])]);
                Directory.Delete(folder, recursive: true);
                folder = crafted.WriteFolder(_w.Directory, "bad");
                expected = "manifest seq 5 refused: part 0:";
                break;
            case "manifest of another key":
                using (var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
                {
                    File.WriteAllBytes(Path.Combine(folder, "manifest.cose"), FeedEncoder.Sign(built.Manifest, other));
                }

                expected = "folder refused: ";
                break;
            case "part too large":
                File.WriteAllBytes(Path.Combine(folder, "part-1.cbor"), new byte[FeedPart.MaxBytes + 1]);
                expected = "part 1 of manifest seq 5: its hash differs from the manifest's";
                break;
        }

        var result = await Run(["colors", "import", folder, .. Common]);
        Assert.Equal(2, result.Code);
        Assert.Equal("", result.Out);
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: folder refused: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Equal((2UL, 50L, 20L), State());
        Assert.True(NothingStaged());
    }

    [Fact]
    public async Task StatusShowsAFetchInProgress()
    {
        var built = Province(6);
        using (var world = new FeedWorldView(_w))
        {
            world.Processor.Process(built.Signed);
            world.Processor.ProcessPart(6, 0, built.Parts[0]);
            world.Processor.ProcessPart(6, 1, built.Parts[1]);
        }

        var status = await Run(["colors", "status", .. Common]);
        Assert.Equal(0, status.Code);
        Assert.Contains($"fetch: manifest seq 6, 2 of {built.Parts.Count} parts verified", status.Out, StringComparison.Ordinal);
        var json = await Run(["colors", "status", "--json", .. Common]);
        Assert.Contains($"\"fetch\":{{\"seq\":6,\"parts_verified\":2,\"parts_total\":{built.Parts.Count},\"active\":true}}", json.Out, StringComparison.Ordinal);

        // The rest through `kiosk colors fetch DIR`: only the missing parts are read.
        var folder = built.WriteFolder(_w.Directory, "province-6");
        var fetch = await Run(["colors", "fetch", folder, .. Common]);
        Assert.Equal(0, fetch.Code);
        var read = fetch.Out.Split('\n').Where(l => l.StartsWith("part_read ", StringComparison.Ordinal)).Select(l => int.Parse(l[10..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(2, built.Parts.Count - 2), read);
        Assert.Contains("manifest_applied: manifest seq 6 applied", fetch.Out, StringComparison.Ordinal);
        Assert.Contains("fetch: none", (await Run(["colors", "status", .. Common])).Out, StringComparison.Ordinal);
    }

    /// <summary>A store and processor on the world's file for a moment (the CLI opens its own).</summary>
    private sealed class FeedWorldView : IDisposable
    {
        private readonly ColorStore _store;

        public FeedWorldView(FeedWorld world)
        {
            _store = ColorStore.Open(new ColorStoreSettings { DatabasePath = world.DatabasePath, Feed = world.Feed, AuthorityKey = world.PublicKey });
            Processor = new ColorFeedProcessor(_store, world.PublicKey, new InMemoryAlerts(), world.Time);
        }

        public ColorFeedProcessor Processor { get; }

        public void Dispose() => _store.Dispose();
    }
}
