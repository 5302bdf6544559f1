using System.Diagnostics;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Colors;
using Kiosk.Fleet;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;
using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary>
/// Two writers on one store (the service and a technician's <c>kiosk colors import</c> share the file in the field):
/// a snapshot at seq 10 and a batch at seq 3 are imported by two real processes at once, over a store at seq 2. The
/// test-only gates of <c>TestPause</c> (environment variables naming a file) hold one importer before or inside
/// its write transaction while the other one runs, so the two really interleave without any timing assert. Whatever
/// the order, the store must end in the state of the later-committed message, which here is always the snapshot's:
/// seq 10, exactly its records and document records, <c>in_sync_as_of</c> its <c>at</c>; never a mix.
/// </summary>
public sealed class ConcurrentImportTests(ITestOutputHelper output)
{
    private const int Records = 20_000;
    private const int Documents = 2_000;
    private const int BatchRecords = 500;
    private const int Runs = 20;

    private enum Order
    {
        /// <summary>The batch decides (store at seq 2), waits before the lock; the snapshot commits meanwhile.</summary>
        BatchDecidesSnapshotCommits,

        /// <summary>The snapshot holds the write lock; the batch is started and waits for it.</summary>
        SnapshotHoldsLockBatchWaits,

        /// <summary>The snapshot decides, waits before the lock; the batch commits meanwhile.</summary>
        SnapshotDecidesBatchCommits,

        /// <summary>The batch holds the write lock; the snapshot is started and waits for it.</summary>
        BatchHoldsLockSnapshotWaits,
    }

    [Fact]
    public void Two_imports_at_once_end_in_the_state_of_the_later_committed_message()
    {
        for (var run = 0; run < Runs; run++)
        {
            var order = (Order)(run % 4);
            using var w = new FeedWorld();
            var key = AuthorityKey.ToBase64Spki(w.Authority);
            Assert.Equal(FeedOutcomeKind.SnapshotApplied, w.Apply(new SnapshotMessage(w.Feed, 2, T0.AddMinutes(2), Snapshot(2), DocumentsOf(2))).Kind);
            var snapshot = Path.Combine(w.Directory, "snapshot-10.cose");
            File.WriteAllBytes(snapshot, w.Sign(new SnapshotMessage(w.Feed, 10, T0.AddMinutes(10), Snapshot(10), DocumentsOf(10))));
            var batch = Path.Combine(w.Directory, "batch-3.cose");
            File.WriteAllBytes(batch, w.Sign(new BatchMessage(w.Feed, 3, T0.AddMinutes(3), Batch(), [Document(Documents + 7, HealthColor.Red, long.MaxValue / 2)])));
            var gate = Path.Combine(w.Directory, "gate");

            var (first, second, variable) = order switch
            {
                Order.BatchDecidesSnapshotCommits => (batch, snapshot, "KIOSK_TEST_PAUSE_BEFORE_LOCK"),
                Order.SnapshotHoldsLockBatchWaits => (snapshot, batch, "KIOSK_TEST_PAUSE_AFTER_LOCK"),
                Order.SnapshotDecidesBatchCommits => (snapshot, batch, "KIOSK_TEST_PAUSE_BEFORE_LOCK"),
                _ => (batch, snapshot, "KIOSK_TEST_PAUSE_AFTER_LOCK"),
            };
            using var paused = w.StartImport(first, key, (variable, gate));
            Assert.StartsWith("test pause:", paused.StandardError.ReadLine() ?? "(exited: " + paused.StandardOutput.ReadToEnd() + ")");
            using var other = w.StartImport(second, key);
            string otherOut;
            if (variable.EndsWith("BEFORE_LOCK", StringComparison.Ordinal))
            {
                // The other import runs to its commit while the first has decided but not yet locked.
                otherOut = Finish(other);
                File.WriteAllText(gate, "");
            }
            else
            {
                // The first holds the lock: the other import waits on SQLite's busy timeout until the gate opens.
                Thread.Sleep(300);
                Assert.False(other.HasExited, "the second import did not wait for the write lock");
                File.WriteAllText(gate, "");
                otherOut = Finish(other);
            }

            var firstOut = Finish(paused);
            var (snapshotOut, batchOut) = first == snapshot ? (firstOut, otherOut) : (otherOut, firstOut);
            output.WriteLine($"{order}: {batchOut.Trim()} | {snapshotOut.Trim()}");
            Assert.StartsWith("snapshot_applied: snapshot seq 10 applied", snapshotOut);
            var batchCommittedLater = order is Order.BatchDecidesSnapshotCommits or Order.SnapshotHoldsLockBatchWaits;
            Assert.StartsWith(batchCommittedLater ? "batch_duplicate: batch seq 3 already applied (local seq 10)" : "batch_applied: batch seq 3 applied", batchOut);

            VerifySnapshot10(w);
        }
    }

    [Fact]
    public void A_writer_that_cannot_get_the_lock_in_time_fails_cleanly_and_changes_nothing()
    {
        using var w = new FeedWorld();
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, w.Apply(new SnapshotMessage(w.Feed, 2, T0.AddMinutes(2), Snapshot(2)[..100])).Kind);
        var before = w.Fingerprint();
        using var store = ColorStore.Open(new ColorStoreSettings { DatabasePath = w.DatabasePath, Feed = w.Feed, AuthorityKey = w.PublicKey, BusyTimeout = TimeSpan.FromSeconds(1) });
        var processor = new ColorFeedProcessor(store, w.PublicKey, new InMemoryAlerts(), w.Time);
        using var holder = new SqliteConnection($"Data Source={w.DatabasePath};Pooling=False");
        holder.Open();
        using (var tx = holder.BeginTransaction(deferred: false))
        {
            var outcome = processor.Process(w.Sign(new BatchMessage(w.Feed, 3, T0.AddMinutes(3), Batch())));
            Assert.Equal(FeedOutcomeKind.StoreFailed, outcome.Kind);
            Assert.Contains("locked", outcome.Detail, StringComparison.OrdinalIgnoreCase);
            tx.Rollback();
        }

        w.Reopen();
        Assert.Equal(before, w.Fingerprint());
    }

    [Fact]
    public void A_long_running_store_follows_another_writer_at_its_health_check()
    {
        using var w = new FeedWorld();
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, w.Apply(new SnapshotMessage(w.Feed, 2, T0.AddMinutes(2), Snapshot(2)[..100])).Kind);
        using (var other = ColorStore.Open(new ColorStoreSettings { DatabasePath = w.DatabasePath, Feed = w.Feed, AuthorityKey = w.PublicKey, LoadResident = false }))
        {
            var processor = new ColorFeedProcessor(other, w.PublicKey, new InMemoryAlerts(), w.Time);
            Assert.Equal(FeedOutcomeKind.BatchApplied, processor.Process(w.Sign(new BatchMessage(w.Feed, 3, T0.AddMinutes(3), Batch()))).Kind);
        }

        var added = Record(Records + 1, HealthColor.Red, long.MaxValue / 2, "CN-SH");
        Assert.Null(w.Lookup(added));
        w.Processor.CheckHealth();
        Assert.Equal((HealthColor.Red, long.MaxValue / 2), w.Lookup(added));
        Assert.Equal(3UL, w.Store.State.Seq);
        Assert.Equal(T0.AddMinutes(3), w.Store.State.InSyncAsOf);
        Assert.Equal(100 + BatchRecords, w.Store.RecordCount);
    }

    private static void VerifySnapshot10(FeedWorld w)
    {
        var expected = Snapshot(10);
        using (var store = ColorStore.Open(new ColorStoreSettings { DatabasePath = w.DatabasePath, Feed = w.Feed, AuthorityKey = w.PublicKey }))
        {
            Assert.Equal("ok", store.IntegrityCheck());
            Assert.Equal(10UL, store.State.Seq);
            Assert.Equal(T0.AddMinutes(10), store.State.InSyncAsOf);
            Assert.Equal(expected.Length, store.RecordCount);
            Assert.Equal(Documents, store.DocumentRecordCount);
            Assert.Equal(0, store.PendingCount);
            Assert.Equal(expected.OrderBy(r => r.Id.Low), store.ReadAllFromDisk().OrderBy(r => r.Id.Low));
            Assert.Equal(DocumentsOf(10).OrderBy(r => r.DocRef.Low), store.ReadAllDocumentsFromDisk().OrderBy(r => r.DocRef.Low));
        }

        // The long-running instance (the "service") was open all along with its copy of seq 2: its next write must
        // act on what the others committed (this heartbeat is in sync only at seq 10) and its table must follow.
        Assert.Equal(FeedOutcomeKind.HeartbeatInSync, w.Apply(new HeartbeatMessage(w.Feed, 10, T0.AddMinutes(11))).Kind);
        Assert.Equal(10UL, w.Store.State.Seq);
        Assert.Equal(expected.Length, w.Store.RecordCount);
        Assert.Equal(T0.AddMinutes(11), w.Store.State.InSyncAsOf);
        foreach (var probe in new[] { 0, Records - 1, Records - (BatchRecords / 2) })
        {
            Assert.Equal((expected[probe].Color, expected[probe].ColorTime), w.Lookup(expected[probe]));
        }

        Assert.Null(w.Lookup(Record(Records + 1, HealthColor.Red, 0, "CN-SH")));
        Assert.Null(w.Lookup(Document(Documents + 7, HealthColor.Red, 0)));
    }

    /// <summary>Snapshot <paramref name="seq"/>: every color and ct a function of seq.</summary>
    private static ColorRecord[] Snapshot(ulong seq) =>
        [.. Enumerable.Range(0, Records).Select(i => Record(i, (HealthColor)((i + (int)seq) % 3), ((long)seq * 1_000_000) + i, i % 5 == 0 ? "CN-BJ" : "CN-HL"))];

    private static DocumentRecord[] DocumentsOf(ulong seq) =>
        [.. Enumerable.Range(0, Documents).Select(i => Document(i, (HealthColor)((i + (int)seq) % 3), ((long)seq * 1_000_000) - i))];

    /// <summary>Batch 3: half overwrites the last records with a ct newer than any snapshot's, half adds new ones
    /// (issuer CN-SH, unknown to the snapshots): either half surviving the snapshot would show a mix.</summary>
    private static ColorRecord[] Batch() =>
        [.. Enumerable.Range(Records - (BatchRecords / 2), BatchRecords).Select(i => Record(i, HealthColor.Red, long.MaxValue / 2, i >= Records ? "CN-SH" : i % 5 == 0 ? "CN-BJ" : "CN-HL"))];

    private static string Finish(Process process)
    {
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {stdout} {stderr}");
        return stdout;
    }
}
