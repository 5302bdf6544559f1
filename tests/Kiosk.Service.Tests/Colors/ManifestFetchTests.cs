using HealthCode.Formats;
using Kiosk.Colors;
using Kiosk.Core.Checkpoint;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary>color-feed.md rules 9 to 11 through the processor: the manifest, its parts fetched only when needed and staged
/// on disk, the switch, and every refusal.</summary>
public sealed class ManifestFetchTests : IDisposable
{
    private const int Records = 300;
    private const int Documents = 200;

    private readonly FeedWorld _w = new();

    public void Dispose() => _w.Dispose();

    private string PartsFolder => Path.Combine(_w.Directory, ManifestStaging.FolderName);

    private BuiltManifest Province(ulong seq, int records = Records, int documents = Documents) =>
        ManifestBuilder.Build(_w, seq, T0.AddMinutes((double)seq), RecordsOf(seq, records), DocumentsOf(seq, documents));

    private static IEnumerable<ColorRecord> RecordsOf(ulong seq, int count) =>
        Enumerable.Range(0, count).Select(i => Record(i, (HealthColor)((i + (int)seq) % 3), ((long)seq * 1000) + i, i % 4 == 0 ? "CN-BJ" : "CN-HL"));

    private static IEnumerable<DocumentRecord> DocumentsOf(ulong seq, int count) =>
        Enumerable.Range(0, count).Select(i => Document(i, (HealthColor)((i + (int)seq) % 3), ((long)seq * 1000) + i));

    private int StagedParts() => Directory.Exists(PartsFolder) ? Directory.GetFiles(PartsFolder, "part-*.cbor").Length : 0;

    /// <summary>Feeds every part the fetch asks for (one at a time) and returns the last outcome.</summary>
    private FeedOutcome FeedWanted(BuiltManifest built, int? stopAfter = null)
    {
        FeedOutcome? last = null;
        var fed = 0;
        while (_w.Processor.PartsWanted(1) is { Parts: [var index] } wanted && (stopAfter is null || fed < stopAfter))
        {
            Assert.Equal(built.Seq, wanted.Seq);
            last = _w.Processor.ProcessPart(built.Seq, index, built.Parts[index]);
            fed++;
        }

        return last ?? throw new InvalidOperationException("no part was wanted");
    }

    private void SyncWithSnapshot(ulong seq) =>
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, _w.Apply(new SnapshotMessage(_w.Feed, seq, T0.AddMinutes((double)seq), [.. RecordsOf(seq, 10)], [.. DocumentsOf(seq, 5)])).Kind);

    [Fact]
    public void ANeverSyncedKioskFetchesTheManifestsPartsAndSwitchesAtTheLastOne()
    {
        var built = Province(5);
        Assert.True(built.Parts.Count > 5, $"only {built.Parts.Count} parts");

        var kept = _w.Processor.Process(built.Signed);
        Assert.Equal(FeedOutcomeKind.ManifestKept, kept.Kind);
        Assert.Equal(new ManifestFetchProgress(5, built.Parts.Count, 0, true), _w.Processor.Fetch);
        Assert.Equal([0, 1, 2], _w.Processor.PartsWanted(3)!.Parts);

        // Every part but the last: verified and kept on disk, the state not yet switched.
        for (var i = 0; i < built.Parts.Count - 1; i++)
        {
            Assert.Equal(FeedOutcomeKind.PartVerified, _w.Processor.ProcessPart(5, i, built.Parts[i]).Kind);
        }

        Assert.Null(_w.Store.State.Seq);
        Assert.Equal(0, _w.Store.RecordCount);
        Assert.Equal(built.Parts.Count - 1, StagedParts());
        Assert.Equal(built.Parts.Count - 1, _w.Processor.Fetch!.PartsVerified);

        var applied = _w.Processor.ProcessPart(5, built.Parts.Count - 1, built.Parts[^1]);
        Assert.True(applied.Kind == FeedOutcomeKind.ManifestApplied, applied.ToString());
        Assert.Equal(5UL, _w.Store.State.Seq);
        Assert.Equal(T0.AddMinutes(5), _w.Store.State.InSyncAsOf);
        Assert.False(_w.Store.State.OutOfSync);
        Assert.Equal(Records, _w.Store.RecordCount);
        Assert.Equal(Documents, _w.Store.DocumentRecordCount);
        foreach (var record in RecordsOf(5, Records).Where((_, i) => i % 37 == 0))
        {
            Assert.Equal((record.Color, record.ColorTime), _w.Lookup(record));
        }

        foreach (var document in DocumentsOf(5, Documents).Where((_, i) => i % 29 == 0))
        {
            Assert.Equal((document.Color, document.ColorTime), _w.Lookup(document));
        }

        // At most one manifest's parts are kept: an applied one's are deleted.
        Assert.Null(_w.Processor.Fetch);
        Assert.Equal(0, StagedParts());
        Assert.False(File.Exists(Path.Combine(PartsFolder, "manifest.cose")));
        Assert.DoesNotContain(_w.Alerts.History, a => a.Kind == AlertKinds.FeedMessageRejected);
    }

    [Fact]
    public void AManifestBelowTheLocalSeqIsIgnoredAndOneAtTheLocalSeqCountsAsAHeartbeat()
    {
        SyncWithSnapshot(4);
        var before = _w.Fingerprint();

        var older = _w.Processor.Process(Province(3).Signed);
        Assert.Equal(FeedOutcomeKind.ManifestIgnored, older.Kind);
        Assert.Null(_w.Processor.Fetch);

        var same = ManifestBuilder.Build(_w, 4, T0.AddMinutes(30), RecordsOf(4, 10), DocumentsOf(4, 5));
        var heartbeat = _w.Processor.Process(same.Signed);
        Assert.Equal(FeedOutcomeKind.ManifestInSync, heartbeat.Kind);
        Assert.Equal(T0.AddMinutes(30), _w.Store.State.InSyncAsOf);
        Assert.Null(_w.Processor.Fetch);
        Assert.Null(_w.Processor.PartsWanted(8));
        Assert.Equal(0, StagedParts());
        Assert.Equal(10, _w.Store.RecordCount);
        Assert.NotEqual(before, _w.Fingerprint());
    }

    [Fact]
    public void AManifestAheadPutsTheKioskOutOfSyncAndItsPartsAreFetchedOnlyAfterSnapshotAfter()
    {
        SyncWithSnapshot(2);
        var built = Province(4);

        Assert.Equal(FeedOutcomeKind.ManifestKept, _w.Processor.Process(built.Signed).Kind);
        Assert.True(_w.Store.State.OutOfSync);
        Assert.Equal(T0.AddMinutes(4), _w.Store.FeedState.OutOfSyncSince);
        Assert.Equal(new ManifestFetchProgress(4, built.Parts.Count, 0, false), _w.Processor.Fetch);
        Assert.Null(_w.Processor.PartsWanted(8));

        // A part arriving while nothing asks for it is dropped unread.
        Assert.Equal(FeedOutcomeKind.PartIgnored, _w.Processor.ProcessPart(4, 0, built.Parts[0]).Kind);
        Assert.Equal(0, StagedParts());

        // SnapshotAfter (10 min) counts from the manifest's at, the message that put the kiosk out of sync.
        _w.Time.SetUtcNow(T0.AddMinutes(4 + 9));
        _w.Processor.CheckHealth();
        Assert.False(_w.Processor.Fetch!.Active);

        _w.Time.SetUtcNow(T0.AddMinutes(4 + 10));
        _w.Processor.CheckHealth();
        Assert.True(_w.Processor.Fetch!.Active);

        // Decisions keep the old state until the switch.
        Assert.Equal(10, _w.Store.RecordCount);
        Assert.Equal(FeedOutcomeKind.ManifestApplied, FeedWanted(built).Kind);
        Assert.Equal(4UL, _w.Store.State.Seq);
        Assert.False(_w.Store.State.OutOfSync);
        Assert.Null(_w.Store.FeedState.OutOfSyncSince);
    }

    [Fact]
    public void TheSnapshotAfterDeadlineCountsFromTheMessageThatPutTheKioskOutOfSyncAcrossARestart()
    {
        SyncWithSnapshot(2);
        var built = Province(4);
        _w.Processor.Process(built.Signed);
        _w.Time.SetUtcNow(T0.AddMinutes(4 + 6));

        _w.Reopen();
        _w.Processor.CheckHealth();
        Assert.Equal(new ManifestFetchProgress(4, built.Parts.Count, 0, false), _w.Processor.Fetch);

        _w.Time.SetUtcNow(T0.AddMinutes(4 + 10));
        _w.Processor.CheckHealth();
        Assert.True(_w.Processor.Fetch!.Active);
    }

    [Fact]
    public void BatchesThatCloseTheGapStopTheFetchAndNothingIsDownloaded()
    {
        _w.Policy = new ColorFeedPolicy { SnapshotAfter = TimeSpan.Zero };
        _w.Reopen();
        SyncWithSnapshot(2);
        _w.Time.SetUtcNow(T0.AddMinutes(4));
        var built = Province(4);
        _w.Processor.Process(built.Signed);
        Assert.True(_w.Processor.Fetch!.Active);
        Assert.Equal(FeedOutcomeKind.PartVerified, _w.Processor.ProcessPart(4, 0, built.Parts[0]).Kind);

        Assert.Equal(FeedOutcomeKind.BatchApplied, _w.Apply(_w.Batch(3, T0.AddMinutes(3), Record(1, HealthColor.Red, 5000))).Kind);
        Assert.NotNull(_w.Processor.Fetch);
        Assert.Equal(FeedOutcomeKind.BatchApplied, _w.Apply(_w.Batch(4, T0.AddMinutes(4), Record(2, HealthColor.Red, 5000))).Kind);

        Assert.Null(_w.Processor.Fetch);
        Assert.Null(_w.Processor.PartsWanted(8));
        Assert.Equal(0, StagedParts());
        Assert.Equal(FeedOutcomeKind.PartIgnored, _w.Processor.ProcessPart(4, 1, built.Parts[1]).Kind);
        Assert.Equal(4UL, _w.Store.State.Seq);
        Assert.Equal(10, _w.Store.RecordCount);
        Assert.Equal((HealthColor.Red, 5000L), _w.Lookup(Record(2, HealthColor.Green, 0)));
    }

    [Fact]
    public void ANewerManifestReplacesTheKeptOneAndItsPartsAreDeleted()
    {
        var first = Province(4);
        _w.Processor.Process(first.Signed);
        _w.Processor.ProcessPart(4, 0, first.Parts[0]);
        _w.Processor.ProcessPart(4, 1, first.Parts[1]);
        Assert.Equal(2, StagedParts());

        var second = Province(6);
        Assert.Equal(FeedOutcomeKind.ManifestKept, _w.Processor.Process(second.Signed).Kind);
        Assert.Equal(0, StagedParts());
        Assert.Equal(new ManifestFetchProgress(6, second.Parts.Count, 0, true), _w.Processor.Fetch);
        Assert.Equal(FeedOutcomeKind.PartIgnored, _w.Processor.ProcessPart(4, 2, first.Parts[2]).Kind);

        // The older one, delivered again, does not replace the kept one.
        Assert.Equal(FeedOutcomeKind.ManifestIgnored, _w.Processor.Process(first.Signed).Kind);
        Assert.Equal(FeedOutcomeKind.ManifestApplied, FeedWanted(second).Kind);
        Assert.Equal(6UL, _w.Store.State.Seq);
    }

    [Fact]
    public void AFetchResumesAfterARestartWithoutFetchingVerifiedPartsAgain()
    {
        var built = Province(7);
        _w.Processor.Process(built.Signed);
        var half = built.Parts.Count / 2;
        FeedWanted(built, stopAfter: half);
        Assert.Equal(half, StagedParts());

        // A restart (or a power cut: every staged file was written atomically).
        _w.Reopen();
        _w.Processor.CheckHealth();
        Assert.Equal(new ManifestFetchProgress(7, built.Parts.Count, half, true), _w.Processor.Fetch);
        Assert.Equal(half, _w.Processor.PartsWanted(1)!.Parts[0]);

        // The manifest delivered again on reconnect is the kept one: the progress stays.
        Assert.Equal(FeedOutcomeKind.ManifestIgnored, _w.Processor.Process(built.Signed).Kind);
        Assert.Equal(half, _w.Processor.Fetch!.PartsVerified);

        Assert.Equal(FeedOutcomeKind.ManifestApplied, FeedWanted(built).Kind);
        Assert.Equal(built.Parts.Count - half, _w.Processor.PartsVerifiedCount);
        Assert.Equal(7UL, _w.Store.State.Seq);
        Assert.Equal(Records, _w.Store.RecordCount);
    }

    [Fact]
    public void APartWithTheWrongHashIsDroppedReportedAndWantedAgain()
    {
        var built = Province(3);
        _w.Processor.Process(built.Signed);
        var forged = (byte[])built.Parts[1].Clone();
        forged[^1] ^= 0x01;

        var outcome = _w.Processor.ProcessPart(3, 1, forged);
        Assert.Equal(FeedOutcomeKind.Rejected, outcome.Kind);
        Assert.Contains(_w.Alerts.History, a => a.Kind == AlertKinds.FeedMessageRejected);
        Assert.Equal(0, StagedParts());
        Assert.Contains(1, _w.Processor.PartsWanted(4)!.Parts);

        Assert.Equal(FeedOutcomeKind.ManifestApplied, FeedWanted(built).Kind);
        Assert.Equal(3UL, _w.Store.State.Seq);
    }

    [Fact]
    public void AnEmptyOrAbsentPartAbandonsTheManifestWithoutAnAlert()
    {
        SyncWithSnapshot(1);
        var built = Province(3);
        _w.Processor.Resync();
        _w.Processor.Process(built.Signed);
        _w.Processor.ProcessPart(3, 0, built.Parts[0]);

        var cleared = _w.Processor.ProcessPart(3, 1, []);
        Assert.Equal(FeedOutcomeKind.ManifestAbandoned, cleared.Kind);
        Assert.Null(_w.Processor.Fetch);
        Assert.Equal(0, StagedParts());
        Assert.Equal(1UL, _w.Store.State.Seq);

        // Absent: the link's timeout abandons it the same way.
        var next = Province(5);
        _w.Processor.Process(next.Signed);
        Assert.Equal(FeedOutcomeKind.ManifestAbandoned, _w.Processor.AbandonFetch(5, "part 0 absent").Kind);
        Assert.Null(_w.Processor.Fetch);
        Assert.DoesNotContain(_w.Alerts.History, a => a.Kind == AlertKinds.FeedMessageRejected);
        Assert.Equal(10, _w.Store.RecordCount);
    }

    [Fact]
    public void ResyncFetchesTheNewestManifestWhateverItsSeqAndDecidesOnTheCurrentStateUntilTheSwitch()
    {
        var built = Province(5);
        _w.Processor.Process(built.Signed);
        FeedWanted(built);
        Assert.Equal(5UL, _w.Store.State.Seq);

        _w.Processor.Resync();
        Assert.Equal(1, _w.Processor.ResyncRequests);
        Assert.Equal(5UL, _w.Store.State.Seq);
        Assert.Equal(Records, _w.Store.RecordCount);
        var probe = RecordsOf(5, Records).First();
        Assert.Equal((probe.Color, probe.ColorTime), _w.Lookup(probe));

        // The retained manifest arrives again (the link asks for it): at the local seq, fetched all the same.
        Assert.Equal(FeedOutcomeKind.ManifestKept, _w.Processor.Process(built.Signed).Kind);
        Assert.True(_w.Processor.Fetch!.Active);

        // The request survives a restart until the switch.
        _w.Reopen();
        _w.Processor.CheckHealth();
        Assert.True(_w.Processor.Fetch!.Active);
        Assert.Equal(FeedOutcomeKind.ManifestApplied, FeedWanted(built).Kind);
        Assert.Null(_w.Processor.Fetch);

        // Done: the same manifest again is a heartbeat.
        Assert.Equal(FeedOutcomeKind.ManifestInSync, _w.Processor.Process(built.Signed).Kind);
        Assert.Null(_w.Processor.Fetch);
    }

    [Fact]
    public void ResyncTakesAManifestBelowTheLocalSeqAndWithoutItALowerManifestIsIgnored()
    {
        SyncWithSnapshot(9);
        var keptAside = _w.Batch(11, T0.AddMinutes(11), Record(1, HealthColor.Red, 99_000));
        Assert.Equal(FeedOutcomeKind.BatchKeptAside, _w.Apply(keptAside).Kind);
        var older = Province(4);

        // Without a resync a lower seq is a replay: ignored, nothing fetched.
        Assert.Equal(FeedOutcomeKind.ManifestIgnored, _w.Processor.Process(older.Signed).Kind);
        Assert.Null(_w.Processor.Fetch);

        // After a resync it is the authority's newest state (its numbering started again): fetched and applied.
        _w.Processor.Resync();
        Assert.Equal(FeedOutcomeKind.ManifestKept, _w.Processor.Process(older.Signed).Kind);
        Assert.Equal(9UL, _w.Store.State.Seq);
        Assert.Equal(FeedOutcomeKind.ManifestApplied, FeedWanted(older).Kind);

        var state = _w.Store.FeedState;
        Assert.Equal(4UL, state.Seq);
        Assert.Equal(4UL, state.KnownSeq);
        Assert.Equal(older.Manifest.At, state.InSyncAsOf);
        Assert.False(state.OutOfSync);
        Assert.Equal(0, _w.Store.PendingCount);
        Assert.Equal(Records, _w.Store.RecordCount);
        var probe = RecordsOf(4, Records).First();
        Assert.Equal((probe.Color, probe.ColorTime), _w.Lookup(probe));

        // The resync is done: the next batch follows the new numbering, and a lower manifest is a replay again.
        Assert.Equal(FeedOutcomeKind.BatchApplied, _w.Apply(_w.Batch(5, T0.AddMinutes(12), Record(1, HealthColor.Yellow, 99_500))).Kind);
        Assert.Equal(FeedOutcomeKind.ManifestIgnored, _w.Processor.Process(older.Signed).Kind);
    }

    [Fact]
    public void ResyncTakesAWholeSnapshotBelowTheLocalSeq()
    {
        SyncWithSnapshot(9);
        Assert.Equal(FeedOutcomeKind.SnapshotIgnored, _w.Apply(new SnapshotMessage(_w.Feed, 3, T0.AddMinutes(20), [.. RecordsOf(3, 7)])).Kind);
        Assert.Equal(9UL, _w.Store.State.Seq);

        _w.Processor.Resync();
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, _w.Apply(new SnapshotMessage(_w.Feed, 3, T0.AddMinutes(20), [.. RecordsOf(3, 7)])).Kind);
        Assert.Equal(3UL, _w.Store.State.Seq);
        Assert.Equal(7, _w.Store.RecordCount);
        Assert.Equal(0, _w.Store.DocumentRecordCount);
        Assert.Equal(T0.AddMinutes(20), _w.Store.FeedState.InSyncAsOf);
        Assert.False(_w.Store.FeedState.OutOfSync);
    }

    [Fact]
    public void AnEmptyManifestIsTheEmptyState()
    {
        SyncWithSnapshot(1);
        _w.Processor.Resync();
        var empty = ManifestBuilder.Build(_w, 2, T0.AddMinutes(2), [], []);
        Assert.Empty(empty.Parts);

        Assert.Equal(FeedOutcomeKind.ManifestApplied, _w.Processor.Process(empty.Signed).Kind);
        Assert.Equal(2UL, _w.Store.State.Seq);
        Assert.Equal(0, _w.Store.RecordCount);
        Assert.Equal(0, _w.Store.DocumentRecordCount);
    }

    /// <summary>Each malformed case of the spec, as parts built by hand.</summary>
    public static TheoryData<string> MalformedCases() =>
    [
        "out of order within a part",
        "out of order across parts",
        "repeated across parts",
        "repeated within a part",
        "records after docRecords",
        "documents out of order",
        "part of another feed",
        "part of another seq",
        "part with another index",
        "record total above the manifest's",
        "document total below the manifest's",
        "undecodable part",
    ];

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public void AMalformedManifestIsRefusedWithTheStateUntouchedAndNotFetchedAgain(string malformed)
    {
        _w.Policy = new ColorFeedPolicy { SnapshotAfter = TimeSpan.Zero };
        _w.Reopen();
        SyncWithSnapshot(1);
        _w.Time.SetUtcNow(T0.AddMinutes(3));
        var built = Malformed(malformed, 3);
        Assert.Equal(FeedOutcomeKind.ManifestKept, _w.Processor.Process(built.Signed).Kind);
        var before = _w.Fingerprint();
        var lookups = RecordsOf(1, 10).Select(r => _w.Lookup(r)).ToList();

        FeedOutcome last = null!;
        for (var i = 0; i < built.Parts.Count; i++)
        {
            last = _w.Processor.ProcessPart(3, i, built.Parts[i]);
        }

        Assert.Equal(FeedOutcomeKind.Rejected, last.Kind);
        Assert.Contains("refused", last.Detail, StringComparison.Ordinal);
        Assert.Equal(before, _w.Fingerprint());
        Assert.Equal(lookups, RecordsOf(1, 10).Select(r => _w.Lookup(r)).ToList());
        Assert.Null(_w.Processor.Fetch);
        Assert.Equal(0, StagedParts());
        Assert.Single(_w.Alerts.History, a => a.Kind == AlertKinds.FeedMessageRejected);

        // Never fetched again: not on redelivery, not after a restart.
        Assert.Equal(FeedOutcomeKind.ManifestIgnored, _w.Processor.Process(built.Signed).Kind);
        _w.Reopen();
        Assert.Equal(FeedOutcomeKind.ManifestIgnored, _w.Processor.Process(built.Signed).Kind);
        Assert.Null(_w.Processor.Fetch);
        Assert.Equal(before, _w.Fingerprint());
    }

    private BuiltManifest Malformed(string kind, ulong seq)
    {
        var r = ManifestBuilder.SortedRecords(6, i => Record(i, HealthColor.Green, 10));
        var d = ManifestBuilder.SortedDocuments(4, i => Document(i, HealthColor.Yellow, 10));
        PartMessage Part(ulong index, ColorRecord[] records, DocumentRecord[] documents, string? feed = null, ulong? partSeq = null) =>
            new(feed ?? _w.Feed, partSeq ?? seq, index, records, documents);
        var at = T0.AddMinutes((double)seq);
        return kind switch
        {
            "out of order within a part" => ManifestBuilder.Crafted(_w, seq, at, [Part(0, [r[1], r[0], r[2]], []), Part(1, [r[3]], d)]),
            "out of order across parts" => ManifestBuilder.Crafted(_w, seq, at, [Part(0, [r[2], r[3]], []), Part(1, [r[0], r[1]], d)]),
            "repeated across parts" => ManifestBuilder.Crafted(_w, seq, at, [Part(0, [r[0], r[1]], []), Part(1, [r[1], r[2]], d)]),
            "repeated within a part" => ManifestBuilder.Crafted(_w, seq, at, [Part(0, [r[0], r[0] with { Color = HealthColor.Red }], d)]),
            "records after docRecords" => ManifestBuilder.Crafted(_w, seq, at, [Part(0, [r[0]], [d[0]]), Part(1, [r[1]], [d[1]])]),
            "documents out of order" => ManifestBuilder.Crafted(_w, seq, at, [Part(0, r, [d[2], d[1]])]),
            "part of another feed" => ManifestBuilder.Crafted(_w, seq, at, [Part(0, r, []), Part(1, [], d, feed: "CN-BJ")]),
            "part of another seq" => ManifestBuilder.Crafted(_w, seq, at, [Part(0, r, []), Part(1, [], d, partSeq: seq + 1)]),
            "part with another index" => ManifestBuilder.Crafted(_w, seq, at, [Part(0, r, []), Part(2, [], d)]),
            "record total above the manifest's" => ManifestBuilder.Crafted(_w, seq, at, [Part(0, r, d)], records: 5),
            "document total below the manifest's" => ManifestBuilder.Crafted(_w, seq, at, [Part(0, r, d)], documents: 5),
            "undecodable part" => CraftedWithRawPart(seq, at, [0xA1, 0x61, 0x74, 0x64, 0x70, 0x61, 0x72, 0x74]),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private BuiltManifest CraftedWithRawPart(ulong seq, DateTimeOffset at, byte[] raw)
    {
        var manifest = new ManifestMessage(_w.Feed, seq, at, 0, 0, [HealthCode.Formats.Feed.FeedPart.Hash(raw)]);
        return new BuiltManifest(manifest, _w.Sign(manifest), [raw]);
    }

    [Fact]
    public void AManifestOfAnotherFeedOrWithABadSignatureIsRejectedAndKeepsNothing()
    {
        var other = new ManifestMessage("CN-BJ", 3, T0, 0, 0, []);
        Assert.Equal(FeedOutcomeKind.Rejected, _w.Apply(other).Kind);
        using var forger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var forged = HealthCode.Formats.Feed.FeedEncoder.Sign(Province(3).Manifest, forger);
        Assert.Equal(FeedOutcomeKind.Rejected, _w.Processor.Process(forged).Kind);
        Assert.Null(_w.Processor.Fetch);
        Assert.False(File.Exists(Path.Combine(PartsFolder, "manifest.cose")));
        Assert.Equal(2, _w.Alerts.History.Count(a => a.Kind == AlertKinds.FeedMessageRejected));
    }

    [Fact]
    public void AFloodOfPartsForAnUnknownManifestKeepsNothing()
    {
        var built = Province(3);
        _w.Processor.Process(built.Signed);
        var junk = new byte[64 * 1024];
        for (var i = 0; i < 2000; i++)
        {
            // Another seq, an index beyond the manifest's, a verified part again: all dropped unread.
            Assert.Equal(FeedOutcomeKind.PartIgnored, _w.Processor.ProcessPart(99, i, junk).Kind);
            Assert.Equal(FeedOutcomeKind.PartIgnored, _w.Processor.ProcessPart(3, built.Parts.Count + i, junk).Kind);
        }

        _w.Processor.ProcessPart(3, 0, built.Parts[0]);
        Assert.Equal(FeedOutcomeKind.PartIgnored, _w.Processor.ProcessPart(3, 0, junk).Kind);
        Assert.Equal(1, StagedParts());
        Assert.Equal(["manifest.cose", "part-0.cbor"], Directory.GetFiles(PartsFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(0, _w.Processor.RejectedCount);
    }

    [Fact]
    public void AKeptPartDamagedOnDiskIsFetchedAgainAtTheSwitch()
    {
        var built = Province(3);
        _w.Processor.Process(built.Signed);
        FeedWanted(built, stopAfter: built.Parts.Count - 1);
        var damaged = Path.Combine(PartsFolder, "part-0.cbor");
        var bytes = File.ReadAllBytes(damaged);
        bytes[0] ^= 0xFF;
        File.WriteAllBytes(damaged, bytes);

        // The last part verifies; the switch finds part 0 damaged and wants it again instead of applying or refusing.
        var last = built.Parts.Count - 1;
        Assert.NotEqual(FeedOutcomeKind.ManifestApplied, _w.Processor.ProcessPart(3, last, built.Parts[last]).Kind);
        Assert.Null(_w.Store.State.Seq);
        Assert.Equal([0], _w.Processor.PartsWanted(4)!.Parts);
        Assert.Equal(FeedOutcomeKind.ManifestApplied, _w.Processor.ProcessPart(3, 0, built.Parts[0]).Kind);
        Assert.Equal(3UL, _w.Store.State.Seq);
    }

    [Fact]
    public void StagedFilesNameIndexesOnly()
    {
        var built = Province(3);
        _w.Processor.Process(built.Signed);
        FeedWanted(built, stopAfter: 3);
        foreach (var file in Directory.GetFiles(PartsFolder).Select(Path.GetFileName))
        {
            Assert.Matches("^(manifest\\.cose|part-(0|[1-9][0-9]*)\\.cbor)$", file!);
        }

        Assert.True(ManifestStaging.TryPartIndex("part-12.cbor", out var index));
        Assert.Equal(12, index);
        Assert.False(ManifestStaging.TryPartIndex("part-012.cbor", out _));
        Assert.False(ManifestStaging.TryPartIndex("part--1.cbor", out _));
        Assert.False(ManifestStaging.TryPartIndex("part-1.cbor.tmp", out _));
    }
}
