using System.Diagnostics;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Colors;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary>
/// Two writers on one store (the service and a technician's <c>kiosk colors import</c> share the file in the field): a
/// snapshot at seq 10 and a batch at seq 3 over a store at seq 2. Whatever the order, the store must end in the state of
/// the later-committed message, which here is always the snapshot's: seq 10, exactly its records and document records,
/// <c>in_sync_as_of</c> its <c>at</c>; never a mix. Nothing in the product pauses for the tests: the interleavings are
/// made from outside, with SQLite's own write lock held by the test's connection and with the order of the calls.
/// </summary>
public sealed class ConcurrentImportTests(ITestOutputHelper output)
{
    private const int Records = 20_000;
    private const int Documents = 2_000;
    private const int BatchRecords = 500;
    private const int Runs = 20;

    /// <summary>
    /// Two real <c>kiosk colors import</c> processes at once. The test's own connection holds the write lock while both
    /// start; opening the store takes the write lock (the schema transaction), so neither can write anything until the
    /// test lets go, once both have the store open: from there they race for the lock, each deciding against what it
    /// read and checking it again under the lock. Either may commit first; the batch's answer tells which did.
    /// </summary>
    [Fact]
    public async Task TwoImportsAtOnceEndInTheStateOfTheLaterCommittedMessage()
    {
        var snapshotFirst = 0;
        for (var run = 0; run < Runs; run++)
        {
            using var w = new FeedWorld();
            var key = AuthorityKey.ToBase64Spki(w.Authority);
            Assert.Equal(FeedOutcomeKind.SnapshotApplied, w.Apply(new SnapshotMessage(w.Feed, 2, T0.AddMinutes(2), Snapshot(2), DocumentsOf(2))).Kind);
            var (snapshot, batch) = WriteMessages(w);

            string snapshotOut, batchOut;
            var first = run % 2 == 0 ? snapshot : batch;
            using (var holder = new SqliteConnection($"Data Source={w.DatabasePath};Pooling=False"))
            using (var one = w.StartImport(first, key))
            using (var two = w.StartImport(first == snapshot ? batch : snapshot, key))
            {
                try
                {
                    holder.Open();
                    using (var writeLock = holder.BeginTransaction(deferred: false))
                    {
                        await Poll.UntilAsync(
                            () => one.HasExited || two.HasExited || (HasOpen(one, w.DatabasePath + "-wal") && HasOpen(two, w.DatabasePath + "-wal")),
                            "both imports to open the store");
                        foreach (var import in new[] { one, two })
                        {
                            if (import.HasExited)
                            {
                                Assert.Fail($"an import ended while the test held the write lock: {Finish(import, expectSuccess: false)}");
                            }
                        }

                        writeLock.Rollback();
                    }

                    var (oneOut, twoOut) = (Finish(one), Finish(two));
                    (snapshotOut, batchOut) = first == snapshot ? (oneOut, twoOut) : (twoOut, oneOut);
                }
                finally
                {
                    KillIfRunning(one);
                    KillIfRunning(two);
                }
            }

            output.WriteLine($"run {run}: {batchOut.Trim()} | {snapshotOut.Trim()}");
            Assert.StartsWith("snapshot_applied: snapshot seq 10 applied", snapshotOut);
            if (batchOut.StartsWith("batch_duplicate:", StringComparison.Ordinal))
            {
                // The snapshot committed first: the batch, whatever it had read, decided again under the lock.
                Assert.StartsWith("batch_duplicate: batch seq 3 already applied (local seq 10)", batchOut);
                snapshotFirst++;
            }
            else
            {
                // The batch committed first: the snapshot replaced it whole.
                Assert.StartsWith("batch_applied: batch seq 3 applied", batchOut);
            }

            VerifySnapshot10(w);
        }

        output.WriteLine($"{snapshotFirst} of {Runs} runs: the snapshot committed first");
    }

    /// <summary>
    /// The interleaving the race above may or may not produce, made certain: the long-running store (the service) has
    /// read seq 2 and decides on it, while an import in another process commits first. Its write must find, under the
    /// lock, that the file moved on, reload and decide again: a stale decision is never written.
    /// </summary>
    [Theory]
    [InlineData("snapshot", "batch")]
    [InlineData("batch", "snapshot")]
    public void AWriterThatDecidedOnWhatItReadBeforeAnotherCommitDecidesAgain(string committedElsewhere, string decidedHere)
    {
        using var w = new FeedWorld();
        var key = AuthorityKey.ToBase64Spki(w.Authority);
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, w.Apply(new SnapshotMessage(w.Feed, 2, T0.AddMinutes(2), Snapshot(2), DocumentsOf(2))).Kind);
        var (snapshot, batch) = WriteMessages(w);

        using (var other = w.StartImport(committedElsewhere == "snapshot" ? snapshot : batch, key))
        {
            var otherOut = Finish(other);
            Assert.StartsWith(committedElsewhere == "snapshot" ? "snapshot_applied: snapshot seq 10 applied" : "batch_applied: batch seq 3 applied", otherOut);
        }

        // What the service holds in memory, and decides on, is still seq 2.
        Assert.Equal(2UL, w.Store.State.Seq);
        var outcome = w.Processor.Process(File.ReadAllBytes(decidedHere == "snapshot" ? snapshot : batch));
        output.WriteLine($"{committedElsewhere} elsewhere, then {decidedHere} here: {outcome.Kind}: {outcome.Detail}");
        if (decidedHere == "batch")
        {
            Assert.Equal(FeedOutcomeKind.BatchDuplicate, outcome.Kind);
            Assert.Equal("batch seq 3 already applied (local seq 10)", outcome.Detail);
        }
        else
        {
            Assert.Equal(FeedOutcomeKind.SnapshotApplied, outcome.Kind);
            Assert.StartsWith("snapshot seq 10 applied", outcome.Detail, StringComparison.Ordinal);
        }

        VerifySnapshot10(w);
    }

    [Fact]
    public void AWriterThatCannotGetTheLockInTimeFailsCleanlyAndChangesNothing()
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
    public void ALongRunningStoreFollowsAnotherWriterAtItsHealthCheck()
    {
        using var w = new FeedWorld();
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, w.Apply(new SnapshotMessage(w.Feed, 2, T0.AddMinutes(2), Snapshot(2)[..100])).Kind);
        using (var other = ColorStore.Open(new ColorStoreSettings { DatabasePath = w.DatabasePath, Feed = w.Feed, AuthorityKey = w.PublicKey }))
        {
            var processor = new ColorFeedProcessor(other, w.PublicKey, new InMemoryAlerts(), w.Time);
            Assert.Equal(FeedOutcomeKind.BatchApplied, processor.Process(w.Sign(new BatchMessage(w.Feed, 3, T0.AddMinutes(3), Batch()))).Kind);
        }

        // Lookups read the committed files, so they see the other writer's batch at once; the state (seq, freshness,
        // counts) follows at the health check.
        var added = Record(Records + 1, HealthColor.Red, long.MaxValue / 2, "CN-SH");
        Assert.Equal((HealthColor.Red, long.MaxValue / 2), w.Lookup(added));
        Assert.Equal(2UL, w.Store.State.Seq);
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

    private static (string Snapshot, string Batch) WriteMessages(FeedWorld w)
    {
        var snapshot = Path.Combine(w.Directory, "snapshot-10.cose");
        File.WriteAllBytes(snapshot, w.Sign(new SnapshotMessage(w.Feed, 10, T0.AddMinutes(10), Snapshot(10), DocumentsOf(10))));
        var batch = Path.Combine(w.Directory, "batch-3.cose");
        File.WriteAllBytes(batch, w.Sign(new BatchMessage(w.Feed, 3, T0.AddMinutes(3), Batch(), [Document(Documents + 7, HealthColor.Red, long.MaxValue / 2)])));
        return (snapshot, batch);
    }

    /// <summary>True when <paramref name="process"/> has <paramref name="path"/> open (Linux: its <c>/proc/PID/fd</c> links).
    /// SQLite opens a store's <c>-wal</c> file at the first read, before any write can begin.</summary>
    private static bool HasOpen(Process process, string path)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{process.Id}/fd").Any(fd => new FileInfo(fd).LinkTarget == path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process is starting or has just exited.
            return false;
        }
    }

    private static void KillIfRunning(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    private static string Finish(Process process, bool expectSuccess = true)
    {
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (expectSuccess)
        {
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {stdout} {stderr}");
        }

        return expectSuccess ? stdout : $"exit {process.ExitCode}: {stdout} {stderr}";
    }
}
