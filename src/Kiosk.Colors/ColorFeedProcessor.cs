using System.Security.Cryptography;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Core.Checkpoint;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kiosk.Colors;

/// <summary>
/// The kiosk rules 1-8 of color-feed.md applied to raw signed feed messages. The one code path for messages
/// from MQTT, from <c>kiosk colors import</c> and from the scenario player. Thread-safe: messages are
/// applied one at a time.
/// </summary>
/// <remarks>
/// "In sync as of T" means: the local records equal the feed's state at time T. A snapshot at seq S makes it
/// true as of the snapshot's <c>at</c>; a batch applied in order (seq = local + 1) as of the batch's <c>at</c>;
/// a heartbeat whose seq equals the local seq as of the heartbeat's <c>at</c>. The kiosk is <em>out of sync</em>
/// while a verified message proves the feed has reached a seq beyond the local one (a gap batch, or a heartbeat
/// or snapshot with a higher seq not yet applied); freshness keeps ageing from the last in-sync <c>at</c>.
/// </remarks>
public sealed partial class ColorFeedProcessor
{
    private readonly ColorStore _store;
    private readonly ECDsa _authorityKey;
    private readonly IAlerts _alerts;
    private readonly TimeProvider _time;
    private readonly ColorFeedPolicy _policy;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private bool? _clockFaultRaised;
    private bool? _staleRaised;
    private long _rejected;
    private long _processed;

    public ColorFeedProcessor(ColorStore store, ECDsa authorityKey, IAlerts alerts, TimeProvider time, ColorFeedPolicy? policy = null, ILogger<ColorFeedProcessor>? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _authorityKey = authorityKey ?? throw new ArgumentNullException(nameof(authorityKey));
        _alerts = alerts ?? throw new ArgumentNullException(nameof(alerts));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _policy = policy ?? new ColorFeedPolicy();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The store the processor writes.</summary>
    public ColorStore Store => _store;

    /// <summary>Messages dropped by rule 1 since start.</summary>
    public long RejectedCount => Interlocked.Read(ref _rejected);

    /// <summary>Messages processed since start (any outcome).</summary>
    public long ProcessedCount => Interlocked.Read(ref _processed);

    /// <summary>Rule 8: the clock reads earlier than the latest signed <c>at</c> by more than the skew. Computed now.</summary>
    public bool ClockFault => IsClockFault(_time.GetUtcNow(), _store.FeedState);

    /// <summary>now − in-sync-as-of (rule 5); null when never in sync.</summary>
    public TimeSpan? Freshness => _store.State.FreshnessAt(_time.GetUtcNow());

    /// <summary>Applies one raw feed message (COSE_Sign1 bytes). Never throws for bad input.</summary>
    public FeedOutcome Process(ReadOnlySpan<byte> signedMessage)
    {
        FeedOutcome outcome;
        lock (_gate)
        {
            Interlocked.Increment(ref _processed);
            outcome = ProcessCore(signedMessage);
            try
            {
                // Rule 10: batches or a snapshot that brought the local seq up to the kept manifest's stop its fetch.
                ForgetKeptIfReached();
                UpdateFetchActive();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                ColorFeedLog.StoreFailed(_logger, ex.Message, ex);
            }

            CheckHealthCore();
        }

        Report(outcome);
        RaiseFetchChanged();
        return outcome;
    }

    /// <summary>Raises or clears <c>clock_fault</c> and <c>color_data_stale</c> for the current time (call periodically).</summary>
    public void CheckHealth()
    {
        FeedOutcome? switched;
        lock (_gate)
        {
            try
            {
                // Another process (a technician's import) may have committed since: follow it.
                _store.ReloadIfChangedElsewhere();
            }
            catch (SqliteException ex)
            {
                ColorFeedLog.StoreFailed(_logger, ex.Message, ex);
            }

            switched = CheckFetchCore();
            CheckHealthCore();
        }

        if (switched is not null)
        {
            Report(switched);
        }

        RaiseFetchChanged();
    }

    /// <summary>Fleet <c>resync</c> (mqtt.md): the newest snapshot or manifest is fetched and applied even at the local seq
    /// (where rule 9 would count a manifest as a heartbeat) or below it; the
    /// kiosk keeps deciding on its current state until the switch. The request is kept on disk until a snapshot or a
    /// manifest is applied, so it survives a restart. The feed link asks the broker for the retained snapshot again
    /// (<see cref="ResyncRequests"/>).</summary>
    /// <exception cref="IOException">The request could not be written.</exception>
    public void Resync()
    {
        lock (_gate)
        {
            Staging().SetResync(true);
            Interlocked.Increment(ref _resyncRequests);
            _fetchChanged = true;
            UpdateFetchActive();
            CheckHealthCore();
        }

        RaiseFetchChanged();
    }

    private FeedOutcome ProcessCore(ReadOnlySpan<byte> raw)
    {
        var decoded = FeedCodec.Decode(raw, _authorityKey);
        if (decoded.Message is not { } message)
        {
            return new FeedOutcome(FeedOutcomeKind.Rejected, decoded.Error ?? "undecodable");
        }

        var feed = message switch
        {
            SnapshotMessage s => s.Feed,
            ManifestMessage m => m.Feed,
            BatchMessage b => b.Feed,
            HeartbeatMessage h => h.Feed,
            _ => null,
        };
        if (feed is not null && !string.Equals(feed, _store.Feed, StringComparison.Ordinal))
        {
            return new FeedOutcome(FeedOutcomeKind.Rejected, $"feed '{Printable(feed)}' is not the configured feed '{_store.Feed}'");
        }

        // Rules 2-4 are decided against the in-memory copy and every write checks, under SQLite's write lock, that
        // the copy is still what is committed; when another process committed meanwhile: reload and decide again.
        const int MaxAttempts = 4;
        var reload = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (reload)
                {
                    _store.Reload();
                }

                var state = _store.FeedState.WithSignedAt(message.At);
                return message switch
                {
                    SnapshotMessage s => Snapshot(s, state),
                    ManifestMessage m => Manifest(m, raw, state),
                    BatchMessage b => Batch(b, raw, state),
                    HeartbeatMessage h => Heartbeat(h, state),
                    TrustMessage t => Trust(t, raw, state),
                    _ => new FeedOutcome(FeedOutcomeKind.Rejected, "unknown message type"),
                };
            }
            catch (ColorStoreChangedException) when (attempt < MaxAttempts)
            {
                reload = true;
            }
            catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException or UnauthorizedAccessException or ColorStoreChangedException)
            {
                ColorFeedLog.StoreFailed(_logger, ex.Message, ex);
                return new FeedOutcome(FeedOutcomeKind.StoreFailed, $"store: {ex.Message.ReplaceLineEndings(" ")}");
            }
        }
    }

    private FeedOutcome Snapshot(SnapshotMessage s, ColorFeedState state)
    {
        // Rule 2; a fleet resync takes the newest snapshot or manifest whatever its seq (mqtt.md).
        var resync = Staging().ResyncRequested;
        if (state.Seq is { } local && s.Seq < local && !resync)
        {
            _store.SaveState(state);
            return new FeedOutcome(FeedOutcomeKind.SnapshotIgnored, $"snapshot seq {s.Seq} is older than local seq {local}");
        }

        _store.ApplySnapshot(s, SnapshotState(state, s.Seq, s.At), anySeq: resync);
        if (resync)
        {
            Staging().SetResync(false);
        }

        var drained = DrainPending();
        return new FeedOutcome(FeedOutcomeKind.SnapshotApplied, $"snapshot seq {s.Seq} applied: {_store.RecordCount} records{Documents(_store.DocumentRecordCount)}{Drained(drained)}");
    }

    /// <summary>The state a snapshot or manifest at <paramref name="seq"/> leaves: in sync as of its <paramref name="at"/>.
    /// Below the local seq (only under a resync) the bookkeeping starts again from it: the known seq and the in-sync time
    /// are its own, not those of the seqs left behind.</summary>
    private static ColorFeedState SnapshotState(ColorFeedState state, ulong seq, DateTimeOffset at)
    {
        if (state.Seq is { } local && seq < local)
        {
            state = state with { KnownSeq = null, InSyncAsOf = null, OutOfSyncSince = null };
        }

        return state.WithKnownSeq(seq, at).WithInSyncAsOf(at) with { Seq = seq };
    }

    private FeedOutcome Batch(BatchMessage b, ReadOnlySpan<byte> raw, ColorFeedState state)
    {
        if (state.Seq is { } local)
        {
            if (b.Seq <= local)
            {
                _store.SaveState(state);
                return new FeedOutcome(FeedOutcomeKind.BatchDuplicate, $"batch seq {b.Seq} already applied (local seq {local})");
            }

            if (b.Seq == local + 1)
            {
                ApplyBatch(b, state);
                var drained = DrainPending();
                return new FeedOutcome(FeedOutcomeKind.BatchApplied, $"batch seq {b.Seq} applied: {b.Records.Count} records{Documents(b.DocRecords?.Count ?? 0)}{Drained(drained)}");
            }
        }

        _store.KeepPending(b.Seq, raw, state.WithKnownSeq(b.Seq, b.At));
        var from = state.Seq is { } l ? $"local seq {l}" : "no snapshot yet";
        return new FeedOutcome(FeedOutcomeKind.BatchKeptAside, $"batch seq {b.Seq} kept aside: gap after {from}; out of sync");
    }

    private void ApplyBatch(BatchMessage b, ColorFeedState state) =>
        _store.ApplyBatch(b, state.WithKnownSeq(b.Seq, b.At).WithInSyncAsOf(b.At) with { Seq = b.Seq });

    /// <summary>Applies kept-aside batches that now follow the local seq, in order, each in its own transaction.</summary>
    private int DrainPending()
    {
        var applied = 0;
        while (_store.PendingCount > 0 && _store.FeedState.Seq is { } local)
        {
            var raw = _store.ReadPending(local + 1);
            if (raw is null)
            {
                break;
            }

            if (FeedCodec.Decode(raw, _authorityKey).Message is BatchMessage batch && batch.Seq == local + 1
                && string.Equals(batch.Feed, _store.Feed, StringComparison.Ordinal))
            {
                try
                {
                    ApplyBatch(batch, _store.FeedState.WithSignedAt(batch.At));
                }
                catch (ColorStoreChangedException)
                {
                    // Another process wrote the store after our message committed: take its state; it drains its own.
                    _store.Reload();
                    break;
                }

                applied++;
            }
            else
            {
                // It verified when it arrived; failing now means the pinned key changed. Drop it.
                _store.DropPending(local + 1);
                break;
            }
        }

        return applied;
    }

    private FeedOutcome Heartbeat(HeartbeatMessage h, ColorFeedState state)
    {
        if (state.Seq is { } local && h.Seq == local)
        {
            _store.SaveState(state.WithInSyncAsOf(h.At));
            return new FeedOutcome(FeedOutcomeKind.HeartbeatInSync, $"heartbeat seq {h.Seq}: in sync");
        }

        if (state.Seq is not { } l || h.Seq > l)
        {
            _store.SaveState(state.WithKnownSeq(h.Seq, h.At));
            var from = state.Seq is { } s ? $"local seq {s}" : "no snapshot yet";
            return new FeedOutcome(FeedOutcomeKind.HeartbeatOutOfSync, $"heartbeat seq {h.Seq} is ahead of {from}: out of sync");
        }

        _store.SaveState(state);
        return new FeedOutcome(FeedOutcomeKind.HeartbeatStale, $"heartbeat seq {h.Seq} is older than local seq {l}");
    }

    private FeedOutcome Trust(TrustMessage t, ReadOnlySpan<byte> raw, ColorFeedState state)
    {
        if (state.TrustAt is { } current && t.At <= current)
        {
            _store.SaveState(state);
            return new FeedOutcome(FeedOutcomeKind.TrustIgnored, "trust list not newer than the current one");
        }

        _store.ReplaceTrust(t.Trust, raw, state with { TrustAt = t.At });
        return new FeedOutcome(FeedOutcomeKind.TrustReplaced, $"trust list replaced: {t.Trust.Issuers.Count} issuer keys");
    }

    private void CheckHealthCore()
    {
        var now = _time.GetUtcNow();
        var state = _store.FeedState;
        var clockFault = IsClockFault(now, state);
        if (clockFault != _clockFaultRaised)
        {
            if (clockFault)
            {
                _alerts.Raise(AlertKinds.ClockFault, "the clock reads earlier than the latest signed feed time by more than the allowed skew");
            }
            else
            {
                _alerts.Clear(AlertKinds.ClockFault, "the clock has caught up with the latest signed feed time");
            }

            _clockFaultRaised = clockFault;
        }

        var freshness = _store.State.FreshnessAt(now);
        var stale = ColorDataFreshness.IsStale(freshness, _policy.MaxColorDataAge);
        if (stale != _staleRaised)
        {
            if (stale)
            {
                _alerts.Raise(AlertKinds.ColorDataStale, freshness is { } a
                    ? $"color data last in sync {a.TotalHours:0.#} h ago (max {_policy.MaxColorDataAge.TotalHours:0.#} h)"
                    : "color data never in sync (no snapshot yet)");
            }
            else
            {
                _alerts.Clear(AlertKinds.ColorDataStale, "color data in sync again");
            }

            _staleRaised = stale;
        }
    }

    private bool IsClockFault(DateTimeOffset now, ColorFeedState state) => FeedClock.IsBehind(now, state.LatestSignedAt, _policy.ClockSkew);

    private static string Documents(long count) => count == 0 ? "" : $", {count} document records";

    private static string Drained(int count) => count == 0 ? "" : $"; {count} kept-aside batches applied after it";

    private static string Printable(string text)
    {
        var cut = text.Length > 32 ? text[..32] : text;
        return new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}

/// <summary>Source-generated log messages of the color feed. None carries an id or a color.</summary>
internal static partial class ColorFeedLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Color feed: {Outcome}: {Detail}")]
    public static partial void Processed(ILogger logger, FeedOutcomeKind outcome, string detail);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Color feed message rejected: {Detail}")]
    public static partial void Rejected(ILogger logger, string detail);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Color store could not apply a message: {Detail}")]
    public static partial void StoreFailed(ILogger logger, string detail, Exception exception);
}
