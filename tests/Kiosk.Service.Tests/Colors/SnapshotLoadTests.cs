using HealthCode.Formats;
using HealthCode.Formats.Feed;
using HealthCode.Formats.Identity;
using Kiosk.Colors;
using Microsoft.Data.Sqlite;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary>
/// The province store: a snapshot streamed in the feed's key order through <see cref="SnapshotLoad"/> into a
/// generation file, switched in one commit; batches kept as changes over it; leftovers of abandoned loads deleted;
/// <see cref="ColorFeedState.OutOfSyncSince"/> kept across restarts.
/// </summary>
public sealed class SnapshotLoadTests : IDisposable
{
    private readonly FeedWorld _w = new();

    public void Dispose() => _w.Dispose();

    /// <summary>Code records of <paramref name="count"/> ids in the feed's order, two issuers on every third id.</summary>
    private static ColorRecord[] Codes(int count, long ct, int salt = 0)
    {
        var records = new List<ColorRecord>();
        for (var n = 0; n < count; n++)
        {
            var id = new CodeId(((ulong)n << 40) + (ulong)salt, (ulong)n);
            records.Add(new ColorRecord("CN-HL", id, (HealthColor)(n % 3), ct + n));
            if (n % 3 == 0)
            {
                records.Add(new ColorRecord("CN-JL", id, HealthColor.Red, ct));
            }
        }

        return [.. records];
    }

    private static DocumentRecord[] Documents(int count, long ct, int salt = 0) =>
        [.. Enumerable.Range(0, count).Select(n => new DocumentRecord(new DocRef(((ulong)n << 40) + (ulong)salt, (ulong)n), (HealthColor)(n % 3), ct))];

    private static ColorFeedState StateAt(ulong seq) => new(seq, seq, T0.AddMinutes((double)seq), T0.AddMinutes((double)seq), null);

    private string[] GenerationFiles() =>
        [.. Directory.EnumerateFiles(_w.Directory, "colors.db.gen-*").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private void Load(ulong seq, ColorRecord[] records, DocumentRecord[] documents)
    {
        using var load = _w.Store.BeginSnapshotLoad(seq);
        for (var i = 0; i < records.Length; i += 100)
        {
            load.AddRecords(records.AsSpan(i, Math.Min(100, records.Length - i)));
        }

        for (var i = 0; i < documents.Length; i += 100)
        {
            load.AddDocuments(documents.AsSpan(i, Math.Min(100, documents.Length - i)));
        }

        load.Commit(StateAt(seq));
    }

    [Fact]
    public void ALoadStreamsInPiecesWhileLookupsKeepTheOldStateAndTheCommitSwitchesAtOnce()
    {
        var old = Codes(50, 100, salt: 1);
        var oldDocs = Documents(50, 100, salt: 1);
        Load(1, old, oldDocs);

        var codes = Codes(1000, 200);
        var docs = Documents(3000, 200);
        using (var load = _w.Store.BeginSnapshotLoad(2))
        {
            load.AddRecords(codes.AsSpan(0, 600));
            load.AddRecords(codes.AsSpan(600));
            load.AddDocuments(docs.AsSpan(0, 1));
            load.AddDocuments(docs.AsSpan(1));
            Assert.Equal(codes.Length, load.RecordCount);
            Assert.Equal(docs.Length, load.DocumentRecordCount);

            // Not committed: every lookup still answers from seq 1.
            Assert.Equal((old[7].Color, old[7].ColorTime), _w.Lookup(old[7]));
            Assert.Equal((oldDocs[7].Color, oldDocs[7].ColorTime), _w.Lookup(oldDocs[7]));
            Assert.Null(_w.Lookup(codes[500]));
            Assert.Equal(1UL, _w.Store.State.Seq);
            load.Commit(StateAt(2));
        }

        Assert.Null(_w.Lookup(old[7]));
        Assert.Null(_w.Lookup(oldDocs[7]));
        foreach (var record in codes)
        {
            Assert.Equal((record.Color, record.ColorTime), _w.Lookup(record));
        }

        foreach (var document in docs.Where((_, i) => i % 7 == 0))
        {
            Assert.Equal((document.Color, document.ColorTime), _w.Lookup(document));
        }

        Assert.Equal(2UL, _w.Store.State.Seq);
        Assert.Equal(codes.Length, _w.Store.State.RecordCount);
        Assert.Equal(docs.Length, _w.Store.State.DocumentRecordCount);
        Assert.Single(GenerationFiles());

        _w.Reopen();
        Assert.Equal("ok", _w.Store.IntegrityCheck());
        Assert.Equal(codes.Length, _w.Store.ReadAllFromDisk().Count());
        Assert.Equal(docs.Length, _w.Store.ReadAllDocumentsFromDisk().Count());
        Assert.Equal((codes[999].Color, codes[999].ColorTime), _w.Lookup(codes[999]));
        Assert.Equal(StateAt(2), _w.Store.FeedState);
    }

    [Fact]
    public void ALoadDisposedWithoutCommitLeavesTheStateAndNoFileBehind()
    {
        Load(1, Codes(10, 100), Documents(10, 100));
        var before = _w.Fingerprint();
        var files = GenerationFiles();
        using (var load = _w.Store.BeginSnapshotLoad(2))
        {
            load.AddRecords(Codes(500, 300, salt: 9));
            load.AddDocuments(Documents(500, 300, salt: 9));
        }

        Assert.Equal(before, _w.Fingerprint());
        Assert.Equal(files, GenerationFiles());
        Assert.Empty(Directory.EnumerateFiles(_w.Directory, "*-building"));

        // The store takes the next load.
        Load(3, Codes(5, 400), []);
        Assert.Equal(Codes(5, 400).Length, _w.Store.RecordCount);
        Assert.Equal(0, _w.Store.DocumentRecordCount);
    }

    [Fact]
    public void KeysOutOfOrderRepeatedOrCodesAfterDocumentsAreRefusedAndTheStoreIsUntouched()
    {
        Load(1, Codes(10, 100), Documents(10, 100));
        var before = _w.Fingerprint();
        var codes = Codes(10, 500);
        var docs = Documents(10, 500);
        using (var load = _w.Store.BeginSnapshotLoad(2))
        {
            load.AddRecords(codes.AsSpan(0, 5));
            Assert.Throws<ArgumentException>(() => load.AddRecords(codes.AsSpan(4, 1)));
        }

        using (var load = _w.Store.BeginSnapshotLoad(2))
        {
            Assert.Throws<ArgumentException>(() => load.AddRecords(new[] { codes[3], codes[2] }));
        }

        using (var load = _w.Store.BeginSnapshotLoad(2))
        {
            // Same id: CN-HL before CN-JL (issuer bytes ascending); the reverse is out of order.
            Assert.Equal(codes[0].Id, codes[1].Id);
            Assert.Throws<ArgumentException>(() => load.AddRecords(new[] { codes[1], codes[0] }));
        }

        using (var load = _w.Store.BeginSnapshotLoad(2))
        {
            // Parts of a manifest may hold no document records: an empty call does not end the code records.
            load.AddRecords(codes.AsSpan(0, 2));
            load.AddDocuments([]);
            load.AddRecords(codes.AsSpan(2, 2));
            load.AddDocuments(docs.AsSpan(0, 3));
            load.AddRecords([]);
            Assert.Throws<ArgumentException>(() => load.AddDocuments(docs.AsSpan(2, 1)));
            Assert.Throws<InvalidOperationException>(() => load.AddRecords(codes.AsSpan(0, 1)));
        }

        Assert.Equal(before, _w.Fingerprint());
        Assert.Single(GenerationFiles());
    }

    [Fact]
    public void OneLoadAtATimeAndNeverBelowTheStoresSeq()
    {
        Load(5, Codes(3, 100), []);
        using (var first = _w.Store.BeginSnapshotLoad(6))
        {
            Assert.Throws<InvalidOperationException>(() => _w.Store.BeginSnapshotLoad(7));
        }

        var before = _w.Fingerprint();
        using (var stale = _w.Store.BeginSnapshotLoad(4))
        {
            stale.AddRecords(Codes(3, 900));
            Assert.Throws<InvalidOperationException>(() => stale.Commit(StateAt(4)));
        }

        Assert.Equal(before, _w.Fingerprint());
        Assert.Single(GenerationFiles());
    }

    [Fact]
    public void TheCommitDropsGapBatchesUpToTheLoadsSeqAndKeepsTheLaterOnes()
    {
        Load(1, Codes(3, 100), []);
        _w.Store.KeepPending(3, [1, 2, 3], StateAt(1) with { KnownSeq = 3 });
        _w.Store.KeepPending(6, [4, 5, 6], StateAt(1) with { KnownSeq = 6 });
        Load(4, Codes(3, 200), []);
        Assert.False(_w.Store.HasPending(3));
        Assert.True(_w.Store.HasPending(6));
        Assert.Equal(1, _w.Store.PendingCount);
    }

    [Fact]
    public void BatchesMergeWithTheSnapshotsRecordsAndSurviveARestartUntilTheNextSnapshot()
    {
        var codes = Codes(30, 1000);
        var docs = Documents(30, 1000);
        Load(1, codes, docs);
        var older = codes[4] with { Color = HealthColor.Red, ColorTime = codes[4].ColorTime - 1 };
        var newer = codes[5] with { Color = HealthColor.Green, ColorTime = codes[5].ColorTime + 1 };
        var fresh = new ColorRecord("CN-NEW", new CodeId(1, 2), HealthColor.Yellow, 5);
        var newerDoc = docs[6] with { Color = HealthColor.Red, ColorTime = 2000 };
        var olderDoc = docs[7] with { Color = HealthColor.Red, ColorTime = 999 };
        var freshDoc = new DocumentRecord(new DocRef(7, 7), HealthColor.Green, 5);
        _w.Store.ApplyBatch(new BatchMessage(_w.Feed, 2, T0.AddMinutes(2), [older, newer, fresh], [newerDoc, olderDoc, freshDoc]), StateAt(2));

        void Check()
        {
            Assert.Equal((codes[4].Color, codes[4].ColorTime), _w.Lookup(codes[4]));
            Assert.Equal((newer.Color, newer.ColorTime), _w.Lookup(newer));
            Assert.Equal((fresh.Color, fresh.ColorTime), _w.Lookup(fresh));
            Assert.Equal((newerDoc.Color, newerDoc.ColorTime), _w.Lookup(newerDoc));
            Assert.Equal((docs[7].Color, docs[7].ColorTime), _w.Lookup(docs[7]));
            Assert.Equal((freshDoc.Color, freshDoc.ColorTime), _w.Lookup(freshDoc));
            Assert.Equal(codes.Length + 1, _w.Store.RecordCount);
            Assert.Equal(docs.Length + 1, _w.Store.DocumentRecordCount);
            var onDisk = _w.Store.ReadAllFromDisk().ToList();
            Assert.Equal(codes.Length + 1, onDisk.Count);
            Assert.Contains(newer, onDisk);
            Assert.Contains(codes[4], onDisk);
            Assert.Equal(docs.Length + 1, _w.Store.ReadAllDocumentsFromDisk().Count());
        }

        Check();
        _w.Reopen();
        Check();

        // The next snapshot replaces base and changes alike.
        Load(3, Codes(2, 50, salt: 3), []);
        Assert.Null(_w.Lookup(fresh));
        Assert.Null(_w.Lookup(freshDoc));
        Assert.Null(_w.Lookup(newer));
        Assert.Equal(Codes(2, 50, salt: 3).Length, _w.Store.ReadAllFromDisk().Count());
    }

    [Fact]
    public void AGenerationFileLeftByACrashIsDeletedAtTheNextOpenButOneBeingBuiltIsKept()
    {
        Load(1, Codes(3, 100), []);
        var current = GenerationFiles().Single();
        var leftover = Path.Combine(_w.Directory, "colors.db.gen-9-0123456789abcdef0123456789abcdef");
        File.Copy(Path.Combine(_w.Directory, current), leftover);
        File.WriteAllBytes(Path.Combine(_w.Directory, "colors.db.gen-8-ffff-building"), []);

        using (var building = _w.Store.BeginSnapshotLoad(2))
        {
            building.AddRecords(Codes(3, 200));
            var inProgress = GenerationFiles().Where(f => f != current && !f.EndsWith("-building", StringComparison.Ordinal) && Path.Combine(_w.Directory, f) != leftover).Single();

            // Another store on the same file opens meanwhile (a technician's command): it cleans what nobody holds.
            using (var other = ColorStore.Open(new ColorStoreSettings { DatabasePath = _w.DatabasePath, Feed = _w.Feed, AuthorityKey = _w.PublicKey }))
            {
                Assert.Equal(1UL, other.State.Seq);
            }

            Assert.False(File.Exists(leftover));
            Assert.False(File.Exists(Path.Combine(_w.Directory, "colors.db.gen-8-ffff-building")));
            Assert.Contains(inProgress, GenerationFiles());
            Assert.Contains(current, GenerationFiles());
            building.Commit(StateAt(2));
        }

        Assert.Single(GenerationFiles());
        Assert.Equal(Codes(3, 200).Length, _w.Store.ReadAllFromDisk().Count());
    }

    [Fact]
    public void ASnapshotCommittedByAnotherStoreOnTheSameFileIsWhatLookupsSeeAtOnce()
    {
        Load(1, Codes(3, 100), Documents(3, 100));
        var next = Codes(4, 700, salt: 5);
        var nextDocs = Documents(4, 700, salt: 5);
        using (var other = ColorStore.Open(new ColorStoreSettings { DatabasePath = _w.DatabasePath, Feed = _w.Feed, AuthorityKey = _w.PublicKey }))
        {
            using var load = other.BeginSnapshotLoad(2);
            load.AddRecords(next);
            load.AddDocuments(nextDocs);
            load.Commit(StateAt(2));
        }

        Assert.Equal((next[3].Color, next[3].ColorTime), _w.Lookup(next[3]));
        Assert.Equal((nextDocs[3].Color, nextDocs[3].ColorTime), _w.Lookup(nextDocs[3]));
        Assert.Null(_w.Lookup(Codes(3, 100)[1]));
        Assert.Throws<ColorStoreChangedException>(() => _w.Store.SaveState(StateAt(3)));
        _w.Store.Reload();
        Assert.Equal(2UL, _w.Store.State.Seq);
        Assert.Equal(next.Length, _w.Store.RecordCount);
    }

    [Fact]
    public void ApplySnapshotSortsAndMergesRepeatsBeforeLoading()
    {
        var a = Record(1, HealthColor.Green, 100);
        var b = Record(2, HealthColor.Yellow, 100);
        var aLater = a with { Color = HealthColor.Red, ColorTime = 101 };
        var p = Document(1, HealthColor.Green, 5);
        var pSevere = p with { Color = HealthColor.Yellow };
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, _w.Apply(new SnapshotMessage(_w.Feed, 3, T0, [b, aLater, a, b], [pSevere, p])).Kind);
        Assert.Equal((HealthColor.Red, 101L), _w.Lookup(a));
        Assert.Equal((HealthColor.Yellow, 100L), _w.Lookup(b));
        Assert.Equal((HealthColor.Yellow, 5L), _w.Lookup(p));
        Assert.Equal(2, _w.Store.RecordCount);
        Assert.Equal(1, _w.Store.DocumentRecordCount);
    }

    [Fact]
    public void OutOfSyncSinceIsTheTimeOfTheMessageThatPutTheKioskOutOfSyncAndSurvivesARestart()
    {
        _w.Apply(_w.Snapshot(5, T0, Record(1, HealthColor.Green, 1)));
        Assert.Null(_w.Store.FeedState.OutOfSyncSince);

        _w.Apply(_w.Heartbeat(7, T0.AddMinutes(3)));
        Assert.Equal(T0.AddMinutes(3), _w.Store.FeedState.OutOfSyncSince);

        // Still out of sync: the first time stays.
        _w.Apply(_w.Batch(9, T0.AddMinutes(4), Record(2, HealthColor.Red, 2)));
        Assert.Equal(T0.AddMinutes(3), _w.Store.FeedState.OutOfSyncSince);
        _w.Reopen();
        Assert.Equal(T0.AddMinutes(3), _w.Store.FeedState.OutOfSyncSince);
        Assert.True(_w.Store.State.OutOfSync);

        // A snapshot at the known seq brings it back in sync: cleared, and cleared on disk.
        _w.Apply(_w.Snapshot(9, T0.AddMinutes(5), Record(1, HealthColor.Green, 1)));
        Assert.False(_w.Store.State.OutOfSync);
        Assert.Null(_w.Store.FeedState.OutOfSyncSince);
        _w.Reopen();
        Assert.Null(_w.Store.FeedState.OutOfSyncSince);

        // From never synced: the first message that shows the feed ahead sets it.
        Assert.Equal(T0.AddMinutes(8), ColorFeedState.Empty.WithKnownSeq(3, T0.AddMinutes(8)).OutOfSyncSince);
        Assert.Null(StateAt(3).WithKnownSeq(3, T0.AddMinutes(9)).OutOfSyncSince);
    }

    [Fact]
    public void AStoreOfTheSecondSchemaKeepsItsRecordsInTheMainDatabaseAndTakesAGenerationAtTheNextSnapshot()
    {
        _w.Store.Dispose();
        File.Delete(_w.DatabasePath);
        var a = Record(1, HealthColor.Yellow, 100);
        var p = Document(1, HealthColor.Red, 100);
        using (var db = new SqliteConnection($"Data Source={_w.DatabasePath};Pooling=False"))
        {
            db.Open();
            foreach (var sql in new[]
            {
                "CREATE TABLE records(issuer INTEGER NOT NULL, id BLOB NOT NULL, color INTEGER NOT NULL, ct INTEGER NOT NULL, PRIMARY KEY (issuer, id)) WITHOUT ROWID",
                "CREATE TABLE doc_records(id BLOB NOT NULL PRIMARY KEY, color INTEGER NOT NULL, ct INTEGER NOT NULL) WITHOUT ROWID",
                "CREATE TABLE issuers(idx INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
                "CREATE TABLE pending(seq INTEGER PRIMARY KEY, message BLOB NOT NULL)",
                "CREATE TABLE state(id INTEGER PRIMARY KEY CHECK (id = 1), feed TEXT NOT NULL, seq INTEGER, known_seq INTEGER, in_sync_as_of INTEGER, latest_signed_at INTEGER, record_count INTEGER NOT NULL, trust_at INTEGER, trust_message BLOB, doc_record_count INTEGER NOT NULL DEFAULT 0)",
                $"INSERT INTO state(id, feed, seq, known_seq, in_sync_as_of, latest_signed_at, record_count, doc_record_count) VALUES (1, 'CN-HL', 5, 5, {T0.ToUnixTimeSeconds()}, {T0.ToUnixTimeSeconds()}, 1, 1)",
                "INSERT INTO issuers(idx, name) VALUES (0, 'CN-HL')",
                $"INSERT INTO records(issuer, id, color, ct) VALUES (0, x'{Convert.ToHexString(a.Id.ToArray())}', 1, 100)",
                $"INSERT INTO doc_records(id, color, ct) VALUES (x'{Convert.ToHexString(p.DocRef.ToArray())}', 2, 100)",
                "PRAGMA user_version = 2",
            })
            {
                using var cmd = db.CreateCommand();
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
        }

        _w.Reopen();
        Assert.Null(_w.Store.Generation);
        Assert.Equal((HealthColor.Yellow, 100L), _w.Lookup(a));
        Assert.Equal((HealthColor.Red, 100L), _w.Lookup(p));
        Assert.Equal(5UL, _w.Store.State.Seq);
        Assert.Null(_w.Store.FeedState.OutOfSyncSince);

        _w.Apply(_w.Heartbeat(6, T0.AddMinutes(1)));
        _w.Reopen();
        Assert.Equal(T0.AddMinutes(1), _w.Store.FeedState.OutOfSyncSince);

        Load(6, [Record(2, HealthColor.Green, 200)], []);
        Assert.NotNull(_w.Store.Generation);
        Assert.Null(_w.Lookup(a));
        Assert.Null(_w.Lookup(p));
        Assert.Equal((HealthColor.Green, 200L), _w.Lookup(Record(2, HealthColor.Green, 200)));
        Assert.Equal("ok", _w.Store.IntegrityCheck());
    }

    [Fact]
    public void TheCommitMovesTheLookupsToTheNewFileAndReleasesTheOldOneSoTheNextDecisionPaysForNeither()
    {
        var old = Codes(200, 100, salt: 1);
        Load(1, old, Documents(200, 100, salt: 1));
        Assert.Equal((old[5].Color, old[5].ColorTime), _w.Lookup(old[5])); // the old file is mapped by the lookups
        var oldFile = Path.Combine(_w.Directory, Assert.Single(GenerationFiles()));

        var codes = Codes(300, 200);
        Load(2, codes, Documents(300, 200));

        // Before any lookup: the old file is deleted and neither open nor mapped any longer (closing its last mapping
        // is the slow part, on the loader's thread now), the new one is open.
        Assert.False(File.Exists(oldFile));
        Assert.DoesNotContain(OpenFiles(), f => f.StartsWith(oldFile, StringComparison.Ordinal));
        Assert.Contains(Path.Combine(_w.Directory, Assert.Single(GenerationFiles())), OpenFiles());
        Assert.Equal((codes[7].Color, codes[7].ColorTime), _w.Lookup(codes[7]));
        Assert.Null(_w.Lookup(old[5]));
    }

    /// <summary>The files this process holds open or mapped (Linux: /proc/self/fd and /proc/self/maps).</summary>
    private static List<string> OpenFiles()
    {
        var files = new List<string>();
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target)
                {
                    files.Add(target);
                }
            }
            catch (IOException)
            {
                // Closed meanwhile.
            }
        }

        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                files.Add(line[slash..]);
            }
        }

        return files;
    }
}
