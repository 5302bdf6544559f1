using System.Diagnostics;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using HealthCode.Formats.Identity;
using Kiosk.Colors;
using Microsoft.Data.Sqlite;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// The color store at a province's size (issue 22): 2 M code records over four issuers and 32 M document records
/// (<c>--quick</c>: an eighth of it, figures named <c>colors.province_eighth.*</c>), generated in the feed's key order
/// (evenly spaced slots of the key space, a seeded random offset in each), written untimed as a signed manifest and its
/// parts (<see cref="ManifestWriter"/>, <c>manifest.cose</c> and <c>part-{i}.cbor</c>), then applied timed from those
/// files: manifest verified, each part read, its SHA-256 matched, decoded, checked (<see cref="ManifestPartChecker"/>)
/// and streamed through <see cref="ColorStore.BeginSnapshotLoad"/>. Figures: apply (durable), peak and after anonymous memory (RssAnon,
/// sampled every 20 ms), disk bytes per record, lookup p99 (random keys, half present, warm page cache), start to
/// ready, and one 1 MiB batch (30,000 records) applied durably over the province. Baselines from the same run: the
/// same rows loaded the plain way (one WAL database, one transaction, a prepared INSERT per row, as the single-file
/// store did), RssAnon before the apply, a plain primary-key query on the same file, opening an empty store, and the
/// same batch over an empty store.
/// </summary>
public sealed class ProvinceBench : IBenchmark
{
    internal const string Feed = "CN-HL";
    internal const long FullCodes = 2_000_000;
    internal const long FullDocuments = 32_000_000;
    private static readonly string[] Issuers = ["CN-BJ", "CN-GD", "CN-HL", "CN-SH"];

    public IReadOnlyList<string> FigureNames { get; } =
    [
        .. Names("colors.province"), .. Names("colors.province_eighth"),
        "colors.batch_1mib.apply_ms",
    ];

    private static string[] Names(string prefix) =>
        [$"{prefix}.apply_s", $"{prefix}.rss_anon_mb", $"{prefix}.rss_anon_after_mb", $"{prefix}.disk_bytes_per_record", $"{prefix}.lookup_p99_us", $"{prefix}.ready_ms"];

    public Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dir = Path.Combine(Path.GetTempPath(), "kiosk-bench-province-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            return Task.FromResult(Run(options, dir));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static IReadOnlyList<Figure> Run(BenchOptions options, string dir)
    {
        var scale = options.Quick ? 8 : 1;
        var prefix = options.Quick ? "colors.province_eighth" : "colors.province";
        var province = new Province(FullCodes / scale, FullDocuments / scale, Seed: 22);
        using var authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicKey = AuthorityKey.FromSpki(authority.ExportSubjectPublicKeyInfo());
        var dbPath = Path.Combine(dir, "colors.db");
        var settings = new ColorStoreSettings { DatabasePath = dbPath, Feed = Feed, AuthorityKey = publicKey };

        // The authority's side, untimed: the manifest and its parts as files.
        var parts = Path.Combine(dir, "manifest");
        Directory.CreateDirectory(parts);
        province.WriteManifest(parts, authority);

        // Apply from the files, with RssAnon sampled meanwhile.
        double applySeconds;
        double rssBefore, rssPeak, rssAfter;
        using (var store = ColorStore.Open(settings))
        {
            Collect();
            rssBefore = RssAnonMb();
            using var sampler = new RssSampler();
            var start = Stopwatch.GetTimestamp();
            ApplyManifest(store, parts, publicKey);
            applySeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            rssPeak = sampler.Stop();
            Collect();
            rssAfter = RssAnonMb();
            if (store.RecordCount != province.Codes || store.DocumentRecordCount != province.Documents)
            {
                throw new InvalidOperationException("the province was not applied whole");
            }
        }

        Directory.Delete(parts, recursive: true);
        var generation = Directory.EnumerateFiles(dir, "colors.db.gen-*").Single();
        var diskBytes = Directory.EnumerateFiles(dir, "colors.db*").Sum(f => new FileInfo(f).Length);
        var records = province.Codes + province.Documents;

        // Start to ready: open, then the first lookup answered (page cache warm from the apply), against an empty store.
        var readyMs = Ready(settings, province);
        var emptyReadyMs = Ready(new ColorStoreSettings { DatabasePath = Path.Combine(dir, "empty.db"), Feed = Feed, AuthorityKey = publicKey }, province);

        // Lookups: random keys, half present; the page cache is warmed by one pass first.
        var probes = province.Probes(options.Quick ? 50_000 : 200_000, seed: 7);
        List<double> ours;
        using (var store = ColorStore.Open(settings))
        {
            Lookups(store, probes);
            ours = Lookups(store, probes);
        }

        var plain = PlainLookups(generation, probes);

        // One 1 MiB batch over the province, against the same batch over an empty store.
        var (batchMs, batchBytes) = Batch(settings, authority, publicKey, province, seq: 1);
        var emptyBatchPath = Path.Combine(dir, "batch-empty.db");
        var emptySettings = new ColorStoreSettings { DatabasePath = emptyBatchPath, Feed = Feed, AuthorityKey = publicKey };
        using (var empty = ColorStore.Open(emptySettings))
        {
            using var load = empty.BeginSnapshotLoad(1);
            load.Commit(new ColorFeedState(1, 1, null, null, null));
        }

        var (emptyBatchMs, _) = Batch(emptySettings, authority, publicKey, province, seq: 1);
        if (batchBytes > FeedPartLimit)
        {
            throw new InvalidOperationException($"the batch is {batchBytes} bytes, over 1 MiB");
        }

        // Baseline for apply and disk: the same rows, the plain way, after ours (so ours met a cold start, not a warm one).
        var (plainSeconds, plainBytes) = PlainLoad(Path.Combine(dir, "plain.db"), province);

        return
        [
            new Figure($"{prefix}.apply_s", Math.Round(applySeconds, 2), "s", Math.Round(plainSeconds, 2)),
            new Figure($"{prefix}.rss_anon_mb", Math.Round(rssPeak, 1), "MB", Math.Round(rssBefore, 1)),
            new Figure($"{prefix}.rss_anon_after_mb", Math.Round(rssAfter, 1), "MB", Math.Round(rssBefore, 1)),
            new Figure($"{prefix}.disk_bytes_per_record", Math.Round((double)diskBytes / records, 2), "B", Math.Round((double)plainBytes / records, 2)),
            new Figure($"{prefix}.lookup_p99_us", Math.Round(Stats.Percentile(ours, 99), 2), "us", Math.Round(Stats.Percentile(plain, 99), 2)),
            new Figure($"{prefix}.ready_ms", Math.Round(readyMs, 1), "ms", Math.Round(emptyReadyMs, 1)),
            new Figure("colors.batch_1mib.apply_ms", Math.Round(batchMs, 1), "ms", Math.Round(emptyBatchMs, 1)),
        ];
    }

    private const int FeedPartLimit = 1_048_576;

    /// <summary>What a kiosk does with a fetched manifest (rule 10's switch, from files as <c>kiosk colors import DIR</c>):
    /// the manifest verified with the pinned key, every part matched to its hash, decoded and checked in order on one
    /// thread while the store loads the previous parts on another (at most four parts in between: memory stays bounded),
    /// then the switch. Both threads are the caller's and <see cref="LoaderThread"/>'s: a kiosk runs the whole apply on
    /// <see cref="LoaderThread.Run"/> (see <see cref="DecisionDuringApplyBench"/>).</summary>
    internal static void ApplyManifest(ColorStore store, string parts, ECDsa publicKey)
    {
        var decoded = FeedCodec.Decode(File.ReadAllBytes(Path.Combine(parts, "manifest.cose")), publicKey);
        if (decoded.Message is not ManifestMessage manifest)
        {
            throw new InvalidOperationException($"manifest refused: {decoded.Error}");
        }

        using var queue = new System.Collections.Concurrent.BlockingCollection<PartMessage>(boundedCapacity: 4);
        var reading = LoaderThread.Run(() =>
        {
            try
            {
                var checker = new ManifestPartChecker(manifest);
                for (var i = 0; i < manifest.PartHashes.Count; i++)
                {
                    var bytes = File.ReadAllBytes(Path.Combine(parts, $"part-{i}.cbor"));
                    if (!FeedPart.Matches(bytes, manifest.PartHashes[i]))
                    {
                        throw new InvalidOperationException($"part {i}: hash differs");
                    }

                    var part = FeedPart.Decode(bytes);
                    var error = part.Error ?? checker.Check(part.Part!, i);
                    if (error is not null)
                    {
                        throw new InvalidOperationException($"part {i}: {error}");
                    }

                    queue.Add(part.Part!);
                }

                if (checker.Complete(manifest.PartHashes.Count) is { } incomplete)
                {
                    throw new InvalidOperationException(incomplete);
                }
            }
            finally
            {
                queue.CompleteAdding();
            }
        }, "manifest-read");

        using var load = store.BeginSnapshotLoad(manifest.Seq);
        foreach (var part in queue.GetConsumingEnumerable())
        {
            load.AddRecords(AsArray(part.Records));
            load.AddDocuments(AsArray(part.DocRecords));
        }

        reading.GetAwaiter().GetResult(); // a refused part throws here, before any commit
        load.Commit(new ColorFeedState(manifest.Seq, manifest.Seq, manifest.At, manifest.At, null));
    }

    private static T[] AsArray<T>(IReadOnlyList<T> list) => list as T[] ?? [.. list];

    private static double Ready(ColorStoreSettings settings, Province province)
    {
        var probe = province.Document(province.Documents / 2);
        var start = Stopwatch.GetTimestamp();
        using var store = ColorStore.Open(settings);
        store.TryLookupDocument(probe.DocRef, out _, out _);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<double> Lookups(ColorStore store, Probe[] probes)
    {
        var samples = new List<double>(probes.Length);
        var found = 0;
        foreach (var probe in probes)
        {
            var t = Stopwatch.GetTimestamp();
            var hit = probe.Code is { } code
                ? store.TryLookup(code.Issuer, code.Id, out _, out _)
                : store.TryLookupDocument(probe.Document!.Value.DocRef, out _, out _);
            samples.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
            found += hit ? 1 : 0;
        }

        if (found != probes.Count(p => p.Present))
        {
            throw new InvalidOperationException($"lookups found {found} of {probes.Count(p => p.Present)} present keys");
        }

        return samples;
    }

    /// <summary>The straightforward query on the same generation file: Microsoft.Data.Sqlite, a prepared primary-key SELECT.</summary>
    private static List<double> PlainLookups(string path, Probe[] probes)
    {
        using var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        db.Open();
        var issuers = ColorsBench.Issuers(db);

        using var codes = db.CreateCommand();
        codes.CommandText = "SELECT color, ct FROM records WHERE id = $id AND issuer = $i";
        var pi = codes.Parameters.Add("$i", SqliteType.Integer);
        var pid = codes.Parameters.Add("$id", SqliteType.Blob);
        codes.Prepare();
        using var docs = db.CreateCommand();
        docs.CommandText = "SELECT color, ct FROM doc_records WHERE id = $id";
        var pdoc = docs.Parameters.Add("$id", SqliteType.Blob);
        docs.Prepare();
        var samples = new List<double>(probes.Length);
        foreach (var probe in probes)
        {
            var t = Stopwatch.GetTimestamp();
            SqliteCommand query;
            if (probe.Code is { } code)
            {
                pi.Value = issuers[code.Issuer];
                pid.Value = code.Id.ToArray();
                query = codes;
            }
            else
            {
                pdoc.Value = probe.Document!.Value.DocRef.ToArray();
                query = docs;
            }

            samples.Add(ColorsBench.TimedRead(query, t));
        }

        return samples;
    }

    /// <summary>A signed batch of 10,000 code and 20,000 document records (half of each updating present keys with a
    /// larger ct, half new), applied through the processor (verify, decode, merge, durable commit).</summary>
    private static (double Ms, int Bytes) Batch(ColorStoreSettings settings, ECDsa authority, ECDsa publicKey, Province province, ulong seq)
    {
        var random = new Random(99);
        var codes = new ColorRecord[10_000];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = i % 2 == 0
                ? province.Code(random.NextInt64(province.Codes)) with { ColorTime = 1_800_000_500, Color = HealthColor.Red }
                : new ColorRecord(Issuers[i % Issuers.Length], new CodeId((ulong)random.NextInt64(), (ulong)random.NextInt64()), HealthColor.Yellow, 1_800_000_500);
        }

        var documents = new DocumentRecord[20_000];
        for (var i = 0; i < documents.Length; i++)
        {
            documents[i] = i % 2 == 0
                ? province.Document(random.NextInt64(province.Documents)) with { ColorTime = 1_800_000_500, Color = HealthColor.Red }
                : new DocumentRecord(new DocRef((ulong)random.NextInt64(), (ulong)random.NextInt64()), HealthColor.Yellow, 1_800_000_500);
        }

        var signed = FeedEncoder.Sign(new BatchMessage(Feed, seq + 1, DateTimeOffset.FromUnixTimeSeconds(1_800_000_600), codes, documents), authority);
        using var store = ColorStore.Open(settings);
        var processor = new ColorFeedProcessor(store, publicKey, new InMemoryAlerts(), TimeProvider.System);
        var start = Stopwatch.GetTimestamp();
        var outcome = processor.Process(signed);
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (outcome.Kind != FeedOutcomeKind.BatchApplied)
        {
            throw new InvalidOperationException($"batch not applied: {outcome}");
        }

        return (ms, signed.Length);
    }

    /// <summary>The same rows the plain way: one WAL database (synchronous=FULL), one transaction, a prepared INSERT per row.</summary>
    private static (double Seconds, long Bytes) PlainLoad(string path, Province province)
    {
        using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            Exec(db, "PRAGMA journal_mode = WAL");
            Exec(db, "PRAGMA synchronous = FULL");
            Exec(db, "CREATE TABLE records(issuer INTEGER NOT NULL, id BLOB NOT NULL, color INTEGER NOT NULL, ct INTEGER NOT NULL, PRIMARY KEY (issuer, id)) WITHOUT ROWID");
            Exec(db, "CREATE TABLE doc_records(id BLOB NOT NULL PRIMARY KEY, color INTEGER NOT NULL, ct INTEGER NOT NULL) WITHOUT ROWID");
            var start = Stopwatch.GetTimestamp();
            using (var tx = db.BeginTransaction())
            {
                using var codes = db.CreateCommand();
                codes.Transaction = tx;
                codes.CommandText = "INSERT INTO records(issuer, id, color, ct) VALUES ($i, $id, $c, $ct)";
                var pi = codes.Parameters.Add("$i", SqliteType.Integer);
                var pid = codes.Parameters.Add("$id", SqliteType.Blob);
                var pc = codes.Parameters.Add("$c", SqliteType.Integer);
                var pct = codes.Parameters.Add("$ct", SqliteType.Integer);
                codes.Prepare();
                for (long i = 0; i < province.Codes; i++)
                {
                    var r = province.Code(i);
                    pi.Value = Array.IndexOf(Issuers, r.Issuer);
                    pid.Value = r.Id.ToArray();
                    pc.Value = (int)r.Color;
                    pct.Value = r.ColorTime;
                    codes.ExecuteNonQuery();
                }

                using var docs = db.CreateCommand();
                docs.Transaction = tx;
                docs.CommandText = "INSERT INTO doc_records(id, color, ct) VALUES ($id, $c, $ct)";
                var did = docs.Parameters.Add("$id", SqliteType.Blob);
                var dc = docs.Parameters.Add("$c", SqliteType.Integer);
                var dct = docs.Parameters.Add("$ct", SqliteType.Integer);
                docs.Prepare();
                for (long i = 0; i < province.Documents; i++)
                {
                    var r = province.Document(i);
                    did.Value = r.DocRef.ToArray();
                    dc.Value = (int)r.Color;
                    dct.Value = r.ColorTime;
                    docs.ExecuteNonQuery();
                }

                tx.Commit();
            }

            Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            db.Close();
            return (seconds, new FileInfo(path).Length);
        }
    }

    private static void Exec(SqliteConnection db, string sql) => ColorsBench.Exec(db, sql);

    private static void Collect() => ColorsBench.Collect();

    /// <summary>Anonymous resident memory of this process (RssAnon: heap, stacks, SQLite's caches; not the mapped files
    /// or the page cache), in MB.</summary>
    internal static double RssAnonMb() => ColorsBench.StatusMb("RssAnon") ?? throw new InvalidOperationException("no RssAnon in /proc/self/status");

    /// <summary>Samples RssAnon every 20 ms on its own thread; <see cref="Stop"/> returns the peak.</summary>
    private sealed class RssSampler : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private double _peak;

        public RssSampler()
        {
            _peak = RssAnonMb();
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    var now = RssAnonMb();
                    if (now > _peak)
                    {
                        _peak = now;
                    }

                    Thread.Sleep(20);
                }
            }) { IsBackground = true, Name = "rss-sampler" };
            _thread.Start();
        }

        public double Stop()
        {
            _stop = true;
            _thread.Join();
            return Math.Max(_peak, RssAnonMb());
        }

        public void Dispose()
        {
            if (!_stop)
            {
                Stop();
            }
        }
    }

    internal readonly record struct Probe(ColorRecord? Code, DocumentRecord? Document, bool Present);

    /// <summary>A province generated in the feed's key order: record i of n sits in slot i of n equal slots of the
    /// 64-bit high half, at a seeded pseudo-random offset (a pure function of i, so any record can be made again).</summary>
    internal sealed record Province(long Codes, long Documents, ulong Seed)
    {
        public ColorRecord Code(long i)
        {
            var h = Mix((ulong)i ^ Seed);
            var high = Slot(i, Codes, h);
            return new ColorRecord(Issuers[(int)(h >> 62)], new CodeId(high, Mix(h)), (HealthColor)(h % 3), 1_790_000_000 + (long)(h % 10_000_000));
        }

        public DocumentRecord Document(long i)
        {
            var h = Mix((ulong)i ^ Seed ^ 0xD0C5D0C5D0C5D0C5UL);
            return new DocumentRecord(new DocRef(Slot(i, Documents, h), Mix(h)), (HealthColor)(h % 3), 1_790_000_000 + (long)(h % 10_000_000));
        }

        /// <summary>Writes the province as <c>manifest.cose</c> (signed) and <c>part-{i}.cbor</c>, signed at
        /// <paramref name="at"/> (default: a fixed time, 2027-01-15; a running kiosk needs a time not in its future).</summary>
        public void WriteManifest(string directory, ECDsa authority, DateTimeOffset? at = null)
        {
            var writer = new ManifestWriter(Feed, 1)
            {
                PartWritten = (i, bytes) => File.WriteAllBytes(Path.Combine(directory, $"part-{i}.cbor"), bytes),
            };
            for (long i = 0; i < Codes; i++)
            {
                writer.AddRecord(Code(i));
            }

            for (long i = 0; i < Documents; i++)
            {
                writer.AddDocRecord(Document(i));
            }

            var manifest = writer.Finish(at ?? DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
            File.WriteAllBytes(Path.Combine(directory, "manifest.cose"), FeedEncoder.Sign(manifest, authority));
        }

        /// <summary>Random probes: a tenth codes, the rest documents (a province is mostly known by ID card); half present.</summary>
        public Probe[] Probes(int count, int seed)
        {
            var random = new Random(seed);
            var probes = new Probe[count];
            for (var i = 0; i < count; i++)
            {
                var present = i % 2 == 0;
                if (i % 10 == 0)
                {
                    var code = present ? Code(random.NextInt64(Codes)) : new ColorRecord("CN-HL", new CodeId((ulong)random.NextInt64(), 1), HealthColor.Green, 0);
                    probes[i] = new Probe(code, null, present);
                }
                else
                {
                    var document = present ? Document(random.NextInt64(Documents)) : new DocumentRecord(new DocRef((ulong)random.NextInt64(), 1), HealthColor.Green, 0);
                    probes[i] = new Probe(null, document, present);
                }
            }

            return probes;
        }

        private static ulong Slot(long i, long n, ulong h)
        {
            var width = ulong.MaxValue / (ulong)n;
            return ((ulong)i * width) + (h % width);
        }

        /// <summary>SplitMix64's finaliser.</summary>
        private static ulong Mix(ulong x)
        {
            x += 0x9E3779B97F4A7C15UL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }
}
