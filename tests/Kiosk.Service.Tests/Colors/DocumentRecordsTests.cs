using HealthCode.Formats;
using HealthCode.Formats.Feed;
using HealthCode.Formats.Identity;
using Kiosk.Colors;
using Microsoft.Data.Sqlite;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary>
/// Document records (identity.md, color-feed.md): one atomic state with the records, in memory and in SQLite; a
/// snapshot replaces both, a batch upserts with the records' merge rule; the docKey comes with the trust list.
/// </summary>
public sealed class DocumentRecordsTests : IDisposable
{
    private static readonly ColorRecord A = Record(1, HealthColor.Green, 100);
    private static readonly DocumentRecord P = Document(1, HealthColor.Green, 100);
    private static readonly DocumentRecord Q = Document(2, HealthColor.Yellow, 100);
    private static readonly DocumentRecord R = Document(3, HealthColor.Red, 100);
    private readonly FeedWorld _w = new();

    public void Dispose() => _w.Dispose();

    private SnapshotMessage Snapshot(ulong seq, DateTimeOffset at, ColorRecord[] records, DocumentRecord[]? documents) => new(_w.Feed, seq, at, records, documents);

    private BatchMessage Batch(ulong seq, DateTimeOffset at, ColorRecord[] records, DocumentRecord[]? documents) => new(_w.Feed, seq, at, records, documents);

    [Fact]
    public void ASnapshotBringsItsDocumentRecordsIntoMemoryAndOntoDisk()
    {
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, _w.Apply(Snapshot(5, T0, [A], [P, Q, R])).Kind);
        Assert.Equal((HealthColor.Green, 100L), _w.Lookup(P));
        Assert.Equal((HealthColor.Yellow, 100L), _w.Lookup(Q));
        Assert.Equal((HealthColor.Red, 100L), _w.Lookup(R));
        Assert.Null(_w.Lookup(Document(4, HealthColor.Green, 0)));
        Assert.Equal((HealthColor.Green, 100L), _w.Lookup(A));
        Assert.Equal(3, _w.Store.DocumentRecordCount);
        Assert.Equal(3, _w.Store.State.DocumentRecordCount);
        Assert.Equal(1, _w.Store.State.RecordCount);
        Assert.Equal(new[] { P, Q, R }.OrderBy(d => d.DocRef.High), _w.Store.ReadAllDocumentsFromDisk().OrderBy(d => d.DocRef.High));

        // A code id equal to a docRef is another thing: the two tables never answer for each other.
        var sameBits = new ColorRecord("CN-HL", new CodeId(P.DocRef.High, P.DocRef.Low), HealthColor.Red, 1);
        Assert.Null(_w.Lookup(sameBits));
    }

    [Fact]
    public void ASnapshotReplacesTheDocumentRecordsAndOneWithoutThemClearsThem()
    {
        _w.Apply(Snapshot(5, T0, [A], [P, Q]));
        _w.Apply(Snapshot(6, T0.AddMinutes(1), [A], [R]));
        Assert.Null(_w.Lookup(P));
        Assert.Null(_w.Lookup(Q));
        Assert.Equal((HealthColor.Red, 100L), _w.Lookup(R));
        Assert.Equal(1, _w.Store.DocumentRecordCount);

        Assert.Equal(FeedOutcomeKind.SnapshotApplied, _w.Apply(Snapshot(7, T0.AddMinutes(2), [A], null)).Kind);
        Assert.Null(_w.Lookup(R));
        Assert.Equal(0, _w.Store.DocumentRecordCount);
        Assert.Empty(_w.Store.ReadAllDocumentsFromDisk());
        Assert.Equal((HealthColor.Green, 100L), _w.Lookup(A));

        // An older snapshot is ignored whole, document records included.
        _w.Apply(Snapshot(3, T0.AddMinutes(3), [], [P]));
        Assert.Null(_w.Lookup(P));
    }

    [Fact]
    public void ABatchUpsertsWithTheLargerCtWinningAndOnEqualCtTheMoreSevereColor()
    {
        _w.Apply(Snapshot(5, T0, [], [P, Q, R]));
        var outcome = _w.Apply(Batch(6, T0.AddMinutes(1), [], [
            P with { Color = HealthColor.Red, ColorTime = 200 },       // newer: wins
            Q with { Color = HealthColor.Green, ColorTime = 100 },     // same ct, milder: loses
            R with { Color = HealthColor.Green, ColorTime = 99 },      // older: loses
            Document(4, HealthColor.Yellow, 50),                       // new
        ]));
        Assert.Equal(FeedOutcomeKind.BatchApplied, outcome.Kind);
        Assert.Contains("4 document records", outcome.Detail);
        Assert.Equal((HealthColor.Red, 200L), _w.Lookup(P));
        Assert.Equal((HealthColor.Yellow, 100L), _w.Lookup(Q));
        Assert.Equal((HealthColor.Red, 100L), _w.Lookup(R));
        Assert.Equal((HealthColor.Yellow, 50L), _w.Lookup(Document(4, HealthColor.Yellow, 50)));
        Assert.Equal(4, _w.Store.DocumentRecordCount);

        _w.Apply(Batch(7, T0.AddMinutes(2), [], [Q with { Color = HealthColor.Red, ColorTime = 100 }])); // same ct, more severe: wins
        Assert.Equal((HealthColor.Red, 100L), _w.Lookup(Q));

        // Memory and disk agree after the batches, and after a restart.
        var memory = _w.Store.ReadAllDocumentsFromDisk().Select(d => (d, _w.Lookup(d))).ToList();
        Assert.All(memory, m => Assert.Equal((m.d.Color, m.d.ColorTime), m.Item2));
        var before = _w.Fingerprint();
        _w.Reopen();
        Assert.Equal(before, _w.Fingerprint());
        Assert.All(memory, m => Assert.Equal(m.Item2, _w.Lookup(m.d)));
    }

    [Fact]
    public void ABatchWithoutDocumentRecordsLeavesThemAndOneWithoutRecordsLeavesThose()
    {
        _w.Apply(Snapshot(5, T0, [A], [P]));
        _w.Apply(Batch(6, T0.AddMinutes(1), [A with { Color = HealthColor.Red, ColorTime = 200 }], null));
        Assert.Equal((HealthColor.Green, 100L), _w.Lookup(P));
        _w.Apply(Batch(7, T0.AddMinutes(2), [], [P with { Color = HealthColor.Yellow, ColorTime = 200 }]));
        Assert.Equal((HealthColor.Red, 200L), _w.Lookup(A));
        Assert.Equal((HealthColor.Yellow, 200L), _w.Lookup(P));
    }

    [Fact]
    public void DuplicatesInsideOneSnapshotCollapseWithTheMergeRule()
    {
        _w.Apply(Snapshot(5, T0, [], [P, P with { Color = HealthColor.Red, ColorTime = 99 }, P with { Color = HealthColor.Yellow }, Q]));
        Assert.Equal((HealthColor.Yellow, 100L), _w.Lookup(P));
        Assert.Equal(2, _w.Store.DocumentRecordCount);
        Assert.Equal(2, _w.Store.ReadAllDocumentsFromDisk().Count());
    }

    [Fact]
    public void AGapBatchKeepsItsDocumentRecordsAsideUntilTheGapCloses()
    {
        _w.Apply(Snapshot(5, T0, [], [P]));
        Assert.Equal(FeedOutcomeKind.BatchKeptAside, _w.Apply(Batch(7, T0.AddMinutes(2), [], [Q])).Kind);
        Assert.Null(_w.Lookup(Q));
        _w.Reopen();
        _w.Apply(Batch(6, T0.AddMinutes(1), [], [R]));
        Assert.Equal(7UL, _w.Store.State.Seq);
        Assert.Equal((HealthColor.Yellow, 100L), _w.Lookup(Q));
        Assert.Equal((HealthColor.Red, 100L), _w.Lookup(R));
        Assert.Equal(3, _w.Store.DocumentRecordCount);
    }

    [Fact]
    public void AMessageWithOneBadDocumentRecordChangesNothing()
    {
        _w.Apply(Snapshot(5, T0, [A], [P]));
        var before = _w.Fingerprint();
        var payload = FeedEncoder.EncodePayload(Batch(6, T0.AddMinutes(1), [A with { ColorTime = 500 }], [Q, R]));
        var r = R.DocRef.ToArray();
        payload[payload.AsSpan().IndexOf(r) + r.Length] = 7; // R's color
        var outcome = _w.Processor.Process(FeedEncoder.SignPayload(payload, _w.Authority));
        Assert.Equal(FeedOutcomeKind.Rejected, outcome.Kind);
        Assert.Contains("docRecords[1]", outcome.Detail);
        Assert.Equal(before, _w.Fingerprint());
        Assert.Null(_w.Lookup(Q));
    }

    [Fact]
    public void ResyncKeepsTheDocumentRecordsUntilTheNewestSnapshotReplacesThemAndAChangeOfFeedDropsThem()
    {
        _w.Apply(Snapshot(5, T0, [A], [P]));
        _w.Processor.Resync();
        Assert.Equal((P.Color, P.ColorTime), _w.Lookup(P));
        Assert.Equal(1, _w.Store.State.DocumentRecordCount);

        // The snapshot the resync waits for replaces them, whatever its seq (mqtt.md); after it a lower one is ignored.
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, _w.Apply(Snapshot(4, T0, [A], [])).Kind);
        Assert.Null(_w.Lookup(P));
        Assert.Equal(0, _w.Store.State.DocumentRecordCount);
        Assert.Equal(4UL, _w.Store.State.Seq);
        Assert.Equal(FeedOutcomeKind.SnapshotIgnored, _w.Apply(Snapshot(3, T0, [A], [P])).Kind);
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, _w.Apply(Snapshot(5, T0, [A], [])).Kind);
        Assert.Null(_w.Lookup(P));

        _w.Apply(Snapshot(6, T0, [A], [P]));
        _w.Store.Dispose();
        using (var other = ColorStore.Open(new ColorStoreSettings { DatabasePath = _w.DatabasePath, Feed = "CN-BJ", AuthorityKey = _w.PublicKey }))
        {
            Assert.Equal(0, other.DocumentRecordCount);
            Assert.False(other.TryLookupDocument(P.DocRef, out _, out _));
        }

        _w.Reopen();
        Assert.Empty(_w.Store.ReadAllDocumentsFromDisk());
    }

    [Fact]
    public void AReopenedStoreCountsTheDocumentRecordsAndFindsThemOnDisk()
    {
        _w.Apply(Snapshot(5, T0, [A], [P, Q]));
        _w.Reopen();
        Assert.Equal(2, _w.Store.DocumentRecordCount);
        Assert.Equal(2, _w.Store.State.DocumentRecordCount);
        Assert.Equal((P.Color, P.ColorTime), _w.Lookup(P));
        Assert.Equal((Q.Color, Q.ColorTime), _w.Lookup(Q));
    }

    [Fact]
    public void AStoreOfTheFirstSchemaOpensWithItsRecordsAndNoDocumentRecords()
    {
        _w.Store.Dispose();
        File.Delete(_w.DatabasePath);
        using (var db = new SqliteConnection($"Data Source={_w.DatabasePath};Pooling=False"))
        {
            db.Open();
            foreach (var sql in new[]
            {
                "CREATE TABLE records(issuer INTEGER NOT NULL, id BLOB NOT NULL, color INTEGER NOT NULL, ct INTEGER NOT NULL, PRIMARY KEY (issuer, id)) WITHOUT ROWID",
                "CREATE TABLE issuers(idx INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
                "CREATE TABLE pending(seq INTEGER PRIMARY KEY, message BLOB NOT NULL)",
                "CREATE TABLE state(id INTEGER PRIMARY KEY CHECK (id = 1), feed TEXT NOT NULL, seq INTEGER, known_seq INTEGER, in_sync_as_of INTEGER, latest_signed_at INTEGER, record_count INTEGER NOT NULL, trust_at INTEGER, trust_message BLOB)",
                $"INSERT INTO state(id, feed, seq, known_seq, in_sync_as_of, latest_signed_at, record_count) VALUES (1, 'CN-HL', 5, 5, {T0.ToUnixTimeSeconds()}, {T0.ToUnixTimeSeconds()}, 1)",
                "INSERT INTO issuers(idx, name) VALUES (0, 'CN-HL')",
                $"INSERT INTO records(issuer, id, color, ct) VALUES (0, x'{Convert.ToHexString(A.Id.ToArray())}', 0, 100)",
                "PRAGMA user_version = 1",
            })
            {
                using var cmd = db.CreateCommand();
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
        }

        _w.Reopen();
        Assert.Equal(5UL, _w.Store.State.Seq);
        Assert.Equal((HealthColor.Green, 100L), _w.Lookup(A));
        Assert.Equal(0, _w.Store.DocumentRecordCount);
        Assert.Equal(FeedOutcomeKind.BatchApplied, _w.Apply(Batch(6, T0.AddMinutes(1), [], [P])).Kind);
        Assert.Equal((HealthColor.Green, 100L), _w.Lookup(P));
        _w.Reopen();
        Assert.Equal(1, _w.Store.DocumentRecordCount);
        Assert.Equal("ok", _w.Store.IntegrityCheck());
    }

    // ---- docKey ------------------------------------------------------------------------------------

    [Fact]
    public void TheDocKeyOfASignedTrustListSurvivesARestartAndAListWithoutOneRemovesIt()
    {
        var docKey = Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray();
        var provisioning = new ColorFeedRulesTests.FixedTrust(new TrustList(ColorFeedRulesTests.TrustListWith("CN-SH").Issuers, docKey: new byte[32]));
        using var w = new FeedWorld(provisioning: provisioning);
        Assert.Equal(new byte[32], w.Store.Current.DocKey); // the provisioning file's key serves until a signed list arrives

        Assert.Equal(FeedOutcomeKind.TrustReplaced, w.Apply(new TrustMessage(T0, new TrustList(ColorFeedRulesTests.TrustListWith("CN-HL").Issuers, docKey: docKey))).Kind);
        Assert.Equal(docKey, w.Store.Current.DocKey);
        w.Reopen();
        Assert.Equal(docKey, w.Store.Current.DocKey);
        Assert.Equal(DocRef.Compute(docKey, "11010519491231002X"), w.Store.Current.DocRefOf("11010519491231002X"));

        Assert.Equal(FeedOutcomeKind.TrustReplaced, w.Apply(new TrustMessage(T0.AddDays(1), ColorFeedRulesTests.TrustListWith("CN-HL"))).Kind);
        Assert.Null(w.Store.Current.DocKey);
        w.Reopen();
        Assert.Null(w.Store.Current.DocKey);
        Assert.False(w.Store.Current.HasDocKey);
    }
}
