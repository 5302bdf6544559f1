using System.Security.Cryptography;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Colors;
using Kiosk.Core.Checkpoint;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary>The kiosk rules 1-8 of color-feed.md, one group of tests per rule.</summary>
public sealed class ColorFeedRulesTests : IDisposable
{
    private readonly FeedWorld _w = new();

    public void Dispose() => _w.Dispose();

    private static readonly ColorRecord A = Record(1, HealthColor.Green, 100);
    private static readonly ColorRecord B = Record(2, HealthColor.Yellow, 100);
    private static readonly ColorRecord C = Record(3, HealthColor.Red, 100, "CN-BJ");

    // ---- Rule 1 -------------------------------------------------------------------------------

    [Fact]
    public void Rule1ForgedTruncatedFlippedAndOtherFeedMessagesAreRejectedCountedAlertedAndChangeNothing()
    {
        _w.Apply(_w.Snapshot(5, T0, A, B));
        var before = _w.Fingerprint();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var good = _w.Sign(_w.Batch(6, T0.AddMinutes(1), Record(1, HealthColor.Red, 200)));
        var flipped = (byte[])good.Clone();
        flipped[^5] ^= 0x01;
        byte[][] bad =
        [
            FeedEncoder.Sign(_w.Batch(6, T0.AddMinutes(1), Record(1, HealthColor.Red, 200)), other),
            FeedEncoder.Sign(_w.Snapshot(9, T0.AddMinutes(1), Record(1, HealthColor.Red, 200)), other),
            good[..(good.Length / 2)],
            good[..^1],
            flipped,
            _w.Sign(new SnapshotMessage("CN-BJ", 9, T0.AddMinutes(1), [Record(1, HealthColor.Red, 200)])),
            _w.Sign(new HeartbeatMessage("CN-BJ", 5, T0.AddHours(1))),
            FeedEncoder.SignPayload([0xA1, 0x61, 0x74, 0x65, 0x62, 0x61, 0x74, 0x63, 0x68], _w.Authority),
            [],
            "not cose at all"u8.ToArray(),
        ];

        foreach (var message in bad)
        {
            var outcome = _w.Processor.Process(message);
            Assert.Equal(FeedOutcomeKind.Rejected, outcome.Kind);
        }

        Assert.Equal(before, _w.Fingerprint());
        Assert.Equal(bad.Length, _w.Processor.RejectedCount);
        var notified = _w.Alerts.History.Where(a => a.Kind == AlertKinds.FeedMessageRejected && a.Change == AlertChange.Notified).ToList();
        Assert.Equal(bad.Length, notified.Count);
        Assert.All(notified, a => Assert.DoesNotContain("\n", a.Detail, StringComparison.Ordinal));
        Assert.Equal((HealthColor.Green, 100L), _w.Lookup(A));
    }

    [Fact]
    public void Rule1ASeqTheStoreCannotHoldAsASigned64BitIntegerIsRejected()
    {
        _w.Apply(_w.Snapshot(5, T0, A));
        var before = _w.Fingerprint();
        foreach (var message in new FeedMessage[]
        {
            _w.Snapshot(1UL << 63, T0.AddMinutes(1), B),
            _w.Snapshot(ulong.MaxValue, T0.AddMinutes(1), B),
            _w.Batch(1UL << 63, T0.AddMinutes(1), B),
            _w.Heartbeat(ulong.MaxValue, T0.AddMinutes(1)),
        })
        {
            var outcome = _w.Apply(message);
            Assert.Equal(FeedOutcomeKind.Rejected, outcome.Kind);
            Assert.Contains("above 2^63-1", outcome.Detail);
        }

        Assert.Equal(before, _w.Fingerprint());
        _w.Reopen();
        Assert.Equal(5UL, _w.Store.State.Seq);
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, _w.Apply(_w.Snapshot(long.MaxValue, T0.AddMinutes(2), B)).Kind);
        _w.Reopen();
        Assert.Equal((ulong)long.MaxValue, _w.Store.State.Seq);
    }

    [Fact]
    public void Rule1AnAtOutside1970To9999IsRejectedNotThrown()
    {
        // The clock check subtracts the skew from the latest signed at: an at in year 1 would underflow it.
        foreach (var at in new[] { DateTimeOffset.MinValue, DateTimeOffset.UnixEpoch.AddSeconds(-1) })
        {
            var outcome = _w.Apply(_w.Heartbeat(1, at));
            Assert.Equal(FeedOutcomeKind.Rejected, outcome.Kind);
            Assert.Contains("at out of range", outcome.Detail);
        }

        Assert.Null(_w.Store.State.LatestSignedAt);
        Assert.Equal(FeedOutcomeKind.HeartbeatOutOfSync, _w.Apply(_w.Heartbeat(1, DateTimeOffset.UnixEpoch)).Kind);
        _w.Processor.CheckHealth();
        Assert.False(_w.Processor.ClockFault);
    }

    // ---- Rule 2 -------------------------------------------------------------------------------

    [Fact]
    public void Rule2SnapshotReplacesTheWholeStateAndAnOlderOneIsIgnored()
    {
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, _w.Apply(_w.Snapshot(5, T0, A, B)).Kind);
        Assert.Equal(2, _w.Store.RecordCount);

        Assert.Equal(FeedOutcomeKind.SnapshotApplied, _w.Apply(_w.Snapshot(7, T0.AddMinutes(2), B, C)).Kind);
        Assert.Null(_w.Lookup(A));
        Assert.Equal((HealthColor.Red, 100L), _w.Lookup(C));
        Assert.Equal(7UL, _w.Store.State.Seq);

        Assert.Equal(FeedOutcomeKind.SnapshotIgnored, _w.Apply(_w.Snapshot(6, T0.AddMinutes(1), A)).Kind);
        Assert.Null(_w.Lookup(A));
        Assert.Equal(7UL, _w.Store.State.Seq);

        Assert.Equal(FeedOutcomeKind.SnapshotApplied, _w.Apply(_w.Snapshot(7, T0.AddMinutes(3), A)).Kind);
        Assert.Equal(1, _w.Store.RecordCount);
        Assert.Equal(T0.AddMinutes(3), _w.Store.State.InSyncAsOf);
    }

    [Fact]
    public void Rule2ASnapshotListingOneCodeTwiceKeepsTheLargerCt()
    {
        _w.Apply(_w.Snapshot(1, T0, Record(1, HealthColor.Red, 300), Record(1, HealthColor.Green, 200), Record(1, HealthColor.Yellow, 100)));
        Assert.Equal(1, _w.Store.RecordCount);
        Assert.Equal((HealthColor.Red, 300L), _w.Lookup(Record(1, HealthColor.Green, 0)));
    }

    // ---- Rule 3 -------------------------------------------------------------------------------

    [Fact]
    public void Rule3NextBatchUpsertsAndPerRecordTheLargerCtWins()
    {
        _w.Apply(_w.Snapshot(5, T0, A, B));
        var outcome = _w.Apply(_w.Batch(6, T0.AddMinutes(1),
            Record(1, HealthColor.Red, 200),     // newer: wins
            Record(2, HealthColor.Red, 50),      // older: loses
            C));                                 // new code, new issuer
        Assert.Equal(FeedOutcomeKind.BatchApplied, outcome.Kind);
        Assert.Equal((HealthColor.Red, 200L), _w.Lookup(A));
        Assert.Equal((HealthColor.Yellow, 100L), _w.Lookup(B));
        Assert.Equal((HealthColor.Red, 100L), _w.Lookup(C));
        Assert.Equal(3, _w.Store.RecordCount);
        Assert.Equal(6UL, _w.Store.State.Seq);
        Assert.Equal(T0.AddMinutes(1), _w.Store.State.InSyncAsOf);
        Assert.False(_w.Store.State.OutOfSync);
    }

    [Fact]
    public void Rule3DuplicateBatchesAreIgnored()
    {
        _w.Apply(_w.Snapshot(5, T0, A));
        var batch = _w.Sign(_w.Batch(6, T0.AddMinutes(1), Record(1, HealthColor.Yellow, 200)));
        Assert.Equal(FeedOutcomeKind.BatchApplied, _w.Processor.Process(batch).Kind);
        Assert.Equal(FeedOutcomeKind.BatchDuplicate, _w.Processor.Process(batch).Kind);
        Assert.Equal(FeedOutcomeKind.BatchDuplicate, _w.Apply(_w.Batch(5, T0.AddMinutes(2), Record(1, HealthColor.Red, 900))).Kind);
        Assert.Equal((HealthColor.Yellow, 200L), _w.Lookup(A));
        Assert.Equal(6UL, _w.Store.State.Seq);
        Assert.Equal(1, _w.Store.RecordCount);
        Assert.Equal(T0.AddMinutes(1), _w.Store.State.InSyncAsOf);
        Assert.Equal(T0.AddMinutes(2), _w.Store.State.LatestSignedAt); // authentic, so it still bounds the clock
    }

    [Fact]
    public void Rule3AGapIsKeptAsideOutOfSyncUntilTheMissingBatchArrivesThenAppliedInOrder()
    {
        _w.Apply(_w.Snapshot(5, T0, A));
        Assert.Equal(FeedOutcomeKind.BatchKeptAside, _w.Apply(_w.Batch(8, T0.AddMinutes(3), Record(1, HealthColor.Red, 400))).Kind);
        Assert.Equal(FeedOutcomeKind.BatchKeptAside, _w.Apply(_w.Batch(7, T0.AddMinutes(2), Record(1, HealthColor.Yellow, 300))).Kind);
        Assert.True(_w.Store.State.OutOfSync);
        Assert.Equal(5UL, _w.Store.State.Seq);
        Assert.Equal((HealthColor.Green, 100L), _w.Lookup(A));
        Assert.Equal(T0, _w.Store.State.InSyncAsOf);

        var outcome = _w.Apply(_w.Batch(6, T0.AddMinutes(1), Record(2, HealthColor.Green, 150)));
        Assert.Equal(FeedOutcomeKind.BatchApplied, outcome.Kind);
        Assert.Contains("2 kept-aside batches", outcome.Detail);
        Assert.Equal(8UL, _w.Store.State.Seq);
        Assert.False(_w.Store.State.OutOfSync);
        Assert.Equal((HealthColor.Red, 400L), _w.Lookup(A));
        Assert.Equal(T0.AddMinutes(3), _w.Store.State.InSyncAsOf);
        Assert.Equal(0, _w.Store.PendingCount);
    }

    [Fact]
    public void Rule3ASnapshotClosesAGapDroppingOlderKeptBatchesAndApplyingNewerOnes()
    {
        _w.Apply(_w.Snapshot(5, T0, A));
        _w.Apply(_w.Batch(7, T0.AddMinutes(2), Record(1, HealthColor.Red, 300)));
        _w.Apply(_w.Batch(10, T0.AddMinutes(5), Record(2, HealthColor.Red, 500)));
        Assert.Equal(2, _w.Store.PendingCount);

        // Snapshot 8: batch 7 is obsolete, batch 10 still waits for 9.
        var outcome = _w.Apply(_w.Snapshot(8, T0.AddMinutes(3), Record(1, HealthColor.Yellow, 350)));
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, outcome.Kind);
        Assert.Equal(8UL, _w.Store.State.Seq);
        Assert.True(_w.Store.State.OutOfSync);
        Assert.Equal(T0.AddMinutes(3), _w.Store.State.InSyncAsOf);
        Assert.Equal((HealthColor.Yellow, 350L), _w.Lookup(A));
        Assert.Equal(1, _w.Store.PendingCount);

        _w.Apply(_w.Batch(9, T0.AddMinutes(4), B));
        Assert.Equal(10UL, _w.Store.State.Seq);
        Assert.False(_w.Store.State.OutOfSync);
        Assert.Equal((HealthColor.Red, 500L), _w.Lookup(B));
        Assert.Equal(0, _w.Store.PendingCount);
    }

    [Fact]
    public void Rule3BeforeAnySnapshotBatchesAreKeptAsideAndAppliedAfterIt()
    {
        Assert.Equal(FeedOutcomeKind.BatchKeptAside, _w.Apply(_w.Batch(3, T0.AddMinutes(1), Record(1, HealthColor.Red, 300))).Kind);
        Assert.True(_w.Store.State.OutOfSync);
        Assert.Null(_w.Store.State.InSyncAsOf);
        _w.Apply(_w.Snapshot(2, T0, A));
        Assert.Equal(3UL, _w.Store.State.Seq);
        Assert.Equal((HealthColor.Red, 300L), _w.Lookup(A));
        Assert.False(_w.Store.State.OutOfSync);
    }

    // ---- Rule 4 -------------------------------------------------------------------------------

    [Fact]
    public void Rule4HeartbeatsAtTheLocalSeqRefreshAheadOfItMarkOutOfSyncAndOlderOnesOnlyCountAsTime()
    {
        _w.Apply(_w.Snapshot(5, T0, A));
        Assert.Equal(FeedOutcomeKind.HeartbeatInSync, _w.Apply(_w.Heartbeat(5, T0.AddHours(1))).Kind);
        Assert.Equal(T0.AddHours(1), _w.Store.State.InSyncAsOf);
        Assert.False(_w.Store.State.OutOfSync);

        Assert.Equal(FeedOutcomeKind.HeartbeatStale, _w.Apply(_w.Heartbeat(4, T0.AddHours(2))).Kind);
        Assert.Equal(T0.AddHours(1), _w.Store.State.InSyncAsOf);
        Assert.Equal(T0.AddHours(2), _w.Store.State.LatestSignedAt);

        Assert.Equal(FeedOutcomeKind.HeartbeatOutOfSync, _w.Apply(_w.Heartbeat(6, T0.AddHours(3))).Kind);
        Assert.True(_w.Store.State.OutOfSync);
        Assert.Equal(T0.AddHours(1), _w.Store.State.InSyncAsOf);

        // The batch that the heartbeat announced brings the kiosk back in sync.
        _w.Apply(_w.Batch(6, T0.AddHours(2.5), B));
        Assert.False(_w.Store.State.OutOfSync);
        Assert.Equal(T0.AddHours(2.5), _w.Store.State.InSyncAsOf);
    }

    // ---- Rule 5 -------------------------------------------------------------------------------

    [Fact]
    public void Rule5FreshnessIsNowMinusInSyncAsOfAndStaleDataRaisesColorDataStale()
    {
        _w.Processor.CheckHealth();
        Assert.Contains(AlertKinds.ColorDataStale, _w.Alerts.Active);
        Assert.Null(_w.Processor.Freshness);

        _w.Time.SetUtcNow(T0.AddMinutes(10));
        _w.Apply(_w.Snapshot(5, T0, A));
        Assert.Equal(TimeSpan.FromMinutes(10), _w.Processor.Freshness);
        Assert.DoesNotContain(AlertKinds.ColorDataStale, _w.Alerts.Active);

        _w.Time.Advance(TimeSpan.FromHours(24));
        _w.Processor.CheckHealth();
        Assert.Contains(AlertKinds.ColorDataStale, _w.Alerts.Active);

        _w.Apply(_w.Heartbeat(5, _w.Time.GetUtcNow().AddMinutes(-1)));
        Assert.DoesNotContain(AlertKinds.ColorDataStale, _w.Alerts.Active);
        Assert.Equal(TimeSpan.FromMinutes(1), _w.Processor.Freshness);
    }

    // ---- Rule 6 -------------------------------------------------------------------------------

    [Fact]
    public void Rule6TrustListReplacedOnlyByANewerOneAndTheProvisioningListServesUntilThen()
    {
        var provisioning = new FixedTrust(TrustListWith("CN-SH"));
        using var w = new FeedWorld(provisioning: provisioning);
        Assert.Equal("CN-SH", Assert.Single(w.Store.Current.Issuers).Region);

        Assert.Equal(FeedOutcomeKind.TrustReplaced, w.Apply(new TrustMessage(T0, TrustListWith("CN-HL"))).Kind);
        Assert.Equal("CN-HL", Assert.Single(w.Store.Current.Issuers).Region);
        Assert.Equal(T0, w.Store.Current.SignedAt);

        Assert.Equal(FeedOutcomeKind.TrustIgnored, w.Apply(new TrustMessage(T0, TrustListWith("CN-BJ"))).Kind);
        Assert.Equal(FeedOutcomeKind.TrustIgnored, w.Apply(new TrustMessage(T0.AddDays(-1), TrustListWith("CN-BJ"))).Kind);
        Assert.Equal("CN-HL", Assert.Single(w.Store.Current.Issuers).Region);

        Assert.Equal(FeedOutcomeKind.TrustReplaced, w.Apply(new TrustMessage(T0.AddDays(1), TrustListWith("CN-GD"))).Kind);
        w.Reopen();
        Assert.Equal("CN-GD", Assert.Single(w.Store.Current.Issuers).Region);
        Assert.Equal(T0.AddDays(1), w.Store.Current.SignedAt);
    }

    // ---- Rule 7 -------------------------------------------------------------------------------

    [Fact]
    public void Rule7StateRecordsKeptBatchesAndFreshnessSurviveARestart()
    {
        _w.Apply(_w.Snapshot(5, T0, A, B));
        _w.Apply(_w.Batch(6, T0.AddMinutes(1), C));
        _w.Apply(_w.Batch(8, T0.AddMinutes(3), Record(1, HealthColor.Red, 999)));
        var before = _w.Fingerprint();

        _w.Reopen();
        Assert.Equal(before, _w.Fingerprint());
        Assert.Equal((HealthColor.Red, 100L), _w.Lookup(C));
        Assert.Equal(3, _w.Store.RecordCount);
        Assert.True(_w.Store.State.OutOfSync);
        Assert.Equal("ok", _w.Store.IntegrityCheck());

        // The kept-aside batch 8 is applied after the restart once 7 arrives.
        _w.Apply(_w.Batch(7, T0.AddMinutes(2), B with { Color = HealthColor.Red, ColorTime = 200 }));
        Assert.Equal(8UL, _w.Store.State.Seq);
        Assert.Equal((HealthColor.Red, 999L), _w.Lookup(A));
    }

    [Fact]
    public void Rule7AStoreOpenedForAnotherFeedDropsTheColorData()
    {
        _w.Apply(_w.Snapshot(5, T0, A));
        _w.Store.Dispose();
        using var other = ColorStore.Open(new ColorStoreSettings { DatabasePath = _w.DatabasePath, Feed = "CN-BJ", AuthorityKey = _w.PublicKey });
        Assert.Null(other.State.Seq);
        Assert.Equal(0, other.RecordCount);
        Assert.Equal(T0, other.State.LatestSignedAt);
        other.Dispose();
        _w.Reopen();
        Assert.Equal(0, _w.Store.RecordCount);
    }

    // ---- Rule 8 -------------------------------------------------------------------------------

    [Fact]
    public void Rule8AClockBehindTheLatestSignedTimeBeyondTheSkewRaisesClockFaultUntilItCatchesUp()
    {
        _w.Apply(_w.Snapshot(5, T0.AddSeconds(100), A)); // within skew of now = T0
        Assert.False(_w.Processor.ClockFault);
        Assert.DoesNotContain(AlertKinds.ClockFault, _w.Alerts.Active);

        _w.Apply(_w.Heartbeat(5, T0.AddSeconds(121)));
        Assert.True(_w.Processor.ClockFault);
        Assert.Contains(AlertKinds.ClockFault, _w.Alerts.Active);

        _w.Time.Advance(TimeSpan.FromSeconds(1));
        _w.Processor.CheckHealth();
        Assert.False(_w.Processor.ClockFault);
        Assert.DoesNotContain(AlertKinds.ClockFault, _w.Alerts.Active);
        Assert.Contains(_w.Alerts.History, a => a.Kind == AlertKinds.ClockFault && a.Change == AlertChange.Cleared);
    }

    [Fact]
    public void Rule8IgnoredButAuthenticMessagesStillRaiseTheLatestSignedTime()
    {
        _w.Apply(_w.Snapshot(5, T0, A));
        _w.Apply(_w.Snapshot(4, T0.AddHours(1), A));
        Assert.Equal(T0.AddHours(1), _w.Store.State.LatestSignedAt);
        Assert.True(_w.Processor.ClockFault);
        _w.Reopen();
        Assert.True(_w.Processor.ClockFault);
    }

    // ---- The signed sample ------------------------------------------------------------------

    [Fact]
    public void TheSignedSampleBringsTheKioskInSyncWithItsTrustList()
    {
        var sample = SampleScenario.Directory;
        using var key = AuthorityKey.FromBase64Spki(SampleScenario.AuthorityKeyBase64);
        using var w = new FeedWorld(authority: null);
        var store = ColorStore.Open(new ColorStoreSettings { DatabasePath = Path.Combine(w.Directory, "sample.db"), Feed = "CN-HL", AuthorityKey = key });
        using (store)
        {
            var alerts = new InMemoryAlerts();
            var processor = new ColorFeedProcessor(store, key, alerts, w.Time);
            Assert.Equal(FeedOutcomeKind.TrustReplaced, processor.Process(File.ReadAllBytes(Path.Combine(sample, "trust.cose"))).Kind);
            Assert.Equal(FeedOutcomeKind.SnapshotApplied, processor.Process(File.ReadAllBytes(Path.Combine(sample, "snapshot.cose"))).Kind);
            Assert.Equal(FeedOutcomeKind.HeartbeatInSync, processor.Process(File.ReadAllBytes(Path.Combine(sample, "heartbeat.cose"))).Kind);
            Assert.Equal(1, store.RecordCount);
            Assert.Equal(1UL, store.State.Seq);
            Assert.False(store.State.OutOfSync);
            Assert.Single(store.Current.Issuers);
            Assert.False(processor.ClockFault);
            Assert.Equal(0, processor.RejectedCount);
        }
    }

    internal static TrustList TrustListWith(string region)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new TrustList([new TrustedIssuer
        {
            Kid = [1, 2, 3, 4, 5, 6, 7, 8],
            Region = region,
            SubjectPublicKeyInfo = key.ExportSubjectPublicKeyInfo(),
            NotBefore = T0.AddYears(-1),
            NotAfter = T0.AddYears(1),
        }]);
    }

    internal sealed class FixedTrust(TrustList list) : ITrustListSource
    {
        public TrustList Current => list;
    }
}
