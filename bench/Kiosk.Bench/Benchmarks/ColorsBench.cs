using System.Diagnostics;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Colors;
using Microsoft.Data.Sqlite;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// The color store with a million records: applying a signed snapshot (verify, decode, apply, durable),
/// looking a code up, and the memory it takes. Baselines: a plain per-row INSERT loop in one transaction,
/// a plain SQLite primary-key query, and the process RSS before loading. Then a million document records
/// (people known by ID card) against the million code records: apply time and resident managed memory.
/// </summary>
public sealed class ColorsBench : IBenchmark
{
    private const int Count = 1_000_000;

    public IReadOnlyList<string> FigureNames { get; } =
        ["colors.snapshot1m.apply_s", "colors.snapshot1m.verify_decode_s", "colors.lookup.p99_us", "colors.rss_mb", "colors.docs1m.apply_s", "colors.docs1m.resident_mb"];

    public Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dir = Path.Combine(Path.GetTempPath(), "kiosk-bench-colors-" + Guid.NewGuid().ToString("N"));
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
        var rssBefore = RssMb();
        using var authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicKey = AuthorityKey.FromSpki(authority.ExportSubjectPublicKeyInfo());
        var dbPath = Path.Combine(dir, "colors.db");
        var (applySeconds, baselineSeconds, decodeSeconds, naiveDecodeSeconds, probes) = ApplyAndBaseline(options, dir, dbPath, authority, publicKey);

        // Memory: as at a service start (lookups read the files: no resident table any more).
        // (Everything the apply phase allocated is unreachable now; an aggressive collection returns it.)
        Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        using var loaded = ColorStore.Open(new ColorStoreSettings { DatabasePath = dbPath, Feed = "CN-HL", AuthorityKey = publicKey });
        Collect();
        var rssLoaded = RssMb();
        var codesResidentMb = (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / (1024.0 * 1024.0);

        var ours = new List<double>(probes.Length);
        var found = 0;
        foreach (var probe in probes)
        {
            var t = Stopwatch.GetTimestamp();
            found += loaded.TryLookup(probe.Issuer, probe.Id, out _, out _) ? 1 : 0;
            ours.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
        }

        // The plain query reads the same records where the store keeps them: the snapshot's generation file.
        var plain = PlainLookups(Path.Combine(dir, loaded.Generation ?? throw new InvalidOperationException("no generation file after a snapshot")), probes);
        if (found != probes.Length / 2)
        {
            throw new InvalidOperationException($"lookups found {found} of {probes.Length / 2} present codes");
        }

        var (docsApplySeconds, docsResidentMb) = Documents(dir, authority, publicKey);
        return
        [
            new Figure("colors.snapshot1m.apply_s", Math.Round(applySeconds, 3), "s", Math.Round(baselineSeconds, 3)),
            new Figure("colors.snapshot1m.verify_decode_s", Math.Round(decodeSeconds, 3), "s", Math.Round(naiveDecodeSeconds, 3)),
            new Figure("colors.lookup.p99_us", Math.Round(Stats.Percentile(ours, 99), 3), "us", Math.Round(Stats.Percentile(plain, 99), 3)),
            new Figure("colors.rss_mb", Math.Round(rssLoaded, 1), "MB", Math.Round(rssBefore, 1)),
            new Figure("colors.docs1m.apply_s", Math.Round(docsApplySeconds, 3), "s", Math.Round(applySeconds, 3)),
            new Figure("colors.docs1m.resident_mb", Math.Round(docsResidentMb, 1), "MB", Math.Round(codesResidentMb, 1)),
        ];
    }

    /// <summary>A snapshot of a million document records and no code records: apply (verify, decode, apply, durable)
    /// and the managed memory of the store loaded from disk. Baselines are the same figures for a million code records.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (double ApplySeconds, double ResidentMb) Documents(string dir, ECDsa authority, ECDsa publicKey)
    {
        var dbPath = Path.Combine(dir, "documents.db");
        double applySeconds;
        {
            var random = new Random(43);
            var documents = new DocumentRecord[Count];
            for (var i = 0; i < Count; i++)
            {
                documents[i] = new DocumentRecord(new HealthCode.Formats.Identity.DocRef((ulong)random.NextInt64(), (ulong)random.NextInt64()), (HealthColor)random.Next(3), 1_790_000_000 + random.Next(10_000_000));
            }

            var signed = FeedEncoder.Sign(new SnapshotMessage("CN-HL", 1, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), [], documents), authority);
            using var store = ColorStore.Open(new ColorStoreSettings { DatabasePath = dbPath, Feed = "CN-HL", AuthorityKey = publicKey });
            var processor = new ColorFeedProcessor(store, publicKey, new InMemoryAlerts(), TimeProvider.System);
            var start = Stopwatch.GetTimestamp();
            var outcome = processor.Process(signed);
            applySeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (outcome.Kind != FeedOutcomeKind.SnapshotApplied || store.DocumentRecordCount != Count
                || !store.TryLookupDocument(documents[Count / 2].DocRef, out var color, out _) || color != documents[Count / 2].Color)
            {
                throw new InvalidOperationException($"document snapshot not applied: {outcome}");
            }
        }

        Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        using var loaded = ColorStore.Open(new ColorStoreSettings { DatabasePath = dbPath, Feed = "CN-HL", AuthorityKey = publicKey });
        Collect();
        var residentMb = (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / (1024.0 * 1024.0);
        GC.KeepAlive(loaded);
        return (applySeconds, residentMb);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (double Apply, double Baseline, double Decode, double NaiveDecode, ColorRecord[] Probes) ApplyAndBaseline(BenchOptions options, string dir, string dbPath, ECDsa authority, ECDsa publicKey)
    {
        var records = MakeRecords(Count);
        var signed = FeedEncoder.Sign(new SnapshotMessage("CN-HL", 1, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), records), authority);

        // Ours (first thing the process decodes, as at a kiosk): verify + decode + apply in one transaction (WAL, synchronous=FULL), resident table built.
        double applySeconds;
        using (var store = ColorStore.Open(new ColorStoreSettings { DatabasePath = dbPath, Feed = "CN-HL", AuthorityKey = publicKey }))
        {
            var processor = new ColorFeedProcessor(store, publicKey, new InMemoryAlerts(), TimeProvider.System);
            var start = Stopwatch.GetTimestamp();
            var outcome = processor.Process(signed);
            applySeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (outcome.Kind != FeedOutcomeKind.SnapshotApplied || store.RecordCount != Count)
            {
                throw new InvalidOperationException($"snapshot not applied: {outcome}");
            }
        }

        // Verify + decode alone, against the straightforward reader (a string and a byte[] per record, a growing list).
        // Each is run twice and the faster run kept, so neither pays for first-call JIT alone.
        double decodeSeconds = double.MaxValue, naiveSeconds = double.MaxValue;
        for (var run = 0; run < 2; run++)
        {
            var decodeStart = Stopwatch.GetTimestamp();
            var decoded = FeedCodec.Decode(signed, publicKey);
            decodeSeconds = Math.Min(decodeSeconds, Stopwatch.GetElapsedTime(decodeStart).TotalSeconds);
            if (decoded.Message is not SnapshotMessage { Records.Count: Count })
            {
                throw new InvalidOperationException($"decode failed: {decoded.Error}");
            }

            var naiveStart = Stopwatch.GetTimestamp();
            var naiveCount = NaiveVerifyDecode(signed, publicKey);
            naiveSeconds = Math.Min(naiveSeconds, Stopwatch.GetElapsedTime(naiveStart).TotalSeconds);
            if (naiveCount != Count)
            {
                throw new InvalidOperationException("naive decode disagrees");
            }
        }

        // Baseline: the same rows by a plain per-row INSERT loop in one transaction (same pragmas, no verify/decode).
        var baselineSeconds = PlainInsert(Path.Combine(dir, "plain.db"), records);
        return (applySeconds, baselineSeconds, decodeSeconds, naiveSeconds, Probes(records, options.Quick ? 20_000 : 200_000));
    }

    /// <summary>The reader a user would write first: CoseSign1Message verify, then ReadTextString/ReadByteString per record into a list.</summary>
    private static int NaiveVerifyDecode(byte[] signed, ECDsa key)
    {
        var message = System.Security.Cryptography.Cose.CoseSign1Message.DecodeSign1(signed);
        if (!message.VerifyEmbedded(key))
        {
            throw new InvalidOperationException("bad signature");
        }

        var reader = new System.Formats.Cbor.CborReader(message.Content!.Value);
        var list = new List<ColorRecord>();
        reader.ReadStartMap();
        while (reader.PeekState() != System.Formats.Cbor.CborReaderState.EndMap)
        {
            if (reader.ReadTextString() != "records")
            {
                reader.SkipValue();
                continue;
            }

            reader.ReadStartArray();
            while (reader.PeekState() != System.Formats.Cbor.CborReaderState.EndArray)
            {
                reader.ReadStartArray();
                var issuer = reader.ReadTextString();
                var id = reader.ReadByteString();
                var color = (HealthColor)reader.ReadUInt32();
                var ct = reader.ReadInt64();
                reader.ReadEndArray();
                list.Add(new ColorRecord(issuer, CodeId.FromBytes(id), color, ct));
            }

            reader.ReadEndArray();
        }

        return list.Count;
    }

    private static ColorRecord[] MakeRecords(int count)
    {
        var random = new Random(42);
        string[] issuers = ["CN-HL", "CN-BJ", "CN-SH", "CN-GD"];
        var records = new ColorRecord[count];
        for (var i = 0; i < count; i++)
        {
            records[i] = new ColorRecord(issuers[i % issuers.Length], new CodeId((ulong)random.NextInt64(), (ulong)random.NextInt64()), (HealthColor)random.Next(3), 1_790_000_000 + random.Next(10_000_000));
        }

        return records;
    }

    /// <summary>Half present codes, half absent ones, shuffled.</summary>
    private static ColorRecord[] Probes(ColorRecord[] records, int count)
    {
        var random = new Random(7);
        var probes = new ColorRecord[count];
        for (var i = 0; i < count; i++)
        {
            probes[i] = i % 2 == 0
                ? records[random.Next(records.Length)]
                : new ColorRecord("CN-HL", new CodeId((ulong)random.NextInt64(), (ulong)random.NextInt64()), HealthColor.Green, 0);
        }

        return probes;
    }

    private static double PlainInsert(string path, ColorRecord[] records)
    {
        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        Exec(db, "PRAGMA journal_mode = WAL");
        Exec(db, "PRAGMA synchronous = FULL");
        Exec(db, "CREATE TABLE records(issuer TEXT NOT NULL, id BLOB NOT NULL, color INTEGER NOT NULL, ct INTEGER NOT NULL, PRIMARY KEY (issuer, id))");
        var start = Stopwatch.GetTimestamp();
        using (var tx = db.BeginTransaction())
        {
            using var insert = db.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT OR REPLACE INTO records(issuer, id, color, ct) VALUES ($i, $id, $c, $ct)";
            var pi = insert.Parameters.Add("$i", SqliteType.Text);
            var pid = insert.Parameters.Add("$id", SqliteType.Blob);
            var pc = insert.Parameters.Add("$c", SqliteType.Integer);
            var pct = insert.Parameters.Add("$ct", SqliteType.Integer);
            insert.Prepare();
            foreach (var r in records)
            {
                pi.Value = r.Issuer;
                pid.Value = r.Id.ToArray();
                pc.Value = (int)r.Color;
                pct.Value = r.ColorTime;
                insert.ExecuteNonQuery();
            }

            tx.Commit();
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static List<double> PlainLookups(string path, ColorRecord[] probes)
    {
        using var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        db.Open();
        var issuers = Issuers(db);

        using var query = db.CreateCommand();
        query.CommandText = "SELECT color, ct FROM records WHERE issuer = $i AND id = $id";
        var pi = query.Parameters.Add("$i", SqliteType.Integer);
        var pid = query.Parameters.Add("$id", SqliteType.Blob);
        query.Prepare();
        var samples = new List<double>(probes.Length);
        foreach (var probe in probes)
        {
            var t = Stopwatch.GetTimestamp();
            pi.Value = issuers[probe.Issuer];
            pid.Value = probe.Id.ToArray();
            samples.Add(TimedRead(query, t));
        }

        return samples;
    }

    /// <summary>The generation file's issuer names and their indexes (the plain queries' first step).</summary>
    internal static Dictionary<string, long> Issuers(SqliteConnection db)
    {
        var issuers = new Dictionary<string, long>(StringComparer.Ordinal);
        using var names = db.CreateCommand();
        names.CommandText = "SELECT idx, name FROM issuers";
        using var reader = names.ExecuteReader();
        while (reader.Read())
        {
            issuers[reader.GetString(1)] = reader.GetInt64(0);
        }

        return issuers;
    }

    /// <summary>Runs a prepared (color, ct) lookup, reads its row if any, and returns the µs since <paramref name="started"/>.</summary>
    internal static double TimedRead(SqliteCommand query, long started)
    {
        using (var reader = query.ExecuteReader())
        {
            if (reader.Read())
            {
                _ = reader.GetInt32(0);
                _ = reader.GetInt64(1);
            }
        }

        return Stopwatch.GetElapsedTime(started).TotalMicroseconds;
    }

    internal static void Exec(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>A full, compacting collection (large objects too), so a memory figure counts what is still referenced.</summary>
    internal static void Collect()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    /// <summary>Resident set size of this process (VmRSS), in MB.</summary>
    private static double RssMb() => StatusMb("VmRSS") ?? Environment.WorkingSet / (1024.0 * 1024.0);

    /// <summary>A size line of /proc/self/status (e.g. <c>VmRSS</c>, <c>RssAnon</c>), in MB; null when absent.</summary>
    internal static double? StatusMb(string key)
    {
        if (!File.Exists("/proc/self/status"))
        {
            return null;
        }

        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return null;
    }
}
