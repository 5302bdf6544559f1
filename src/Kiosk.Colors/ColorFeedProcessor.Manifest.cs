using System.Globalization;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Inputs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Kiosk.Colors;

/// <summary>
/// Rules 9 to 11 of color-feed.md: the manifest, its parts fetched only when needed and staged on disk
/// (<see cref="ManifestStaging"/>), and the switch that streams them into the store; and <c>kiosk colors import DIR</c>.
/// </summary>
public sealed partial class ColorFeedProcessor
{
    private ManifestStaging? _staging;
    private Kept? _kept;
    private bool _fetchActive;
    private bool _fetchChanged;
    private long _resyncRequests;
    private long _partsVerified;

    /// <summary>Raised (outside the processor's lock) when the parts a fetch wants change: a manifest kept, a fetch
    /// started, stopped or finished, a part verified, a <c>resync</c> commanded. The feed link reads
    /// <see cref="PartsWanted"/> and <see cref="ResyncRequests"/> again.</summary>
    public event Action? FetchChanged;

    /// <summary>The kept manifest and its fetch, or null when none is kept (read from disk at the first message or health check).</summary>
    public ManifestFetchProgress? Fetch
    {
        get
        {
            lock (_gate)
            {
                TryLoadStaging();
                return _kept is { } k ? new ManifestFetchProgress(k.Manifest.Seq, k.Verified.Length, k.VerifiedCount, _fetchActive) : null;
            }
        }
    }

    /// <summary>Fleet <c>resync</c> commands since start: the feed link asks the broker for the retained snapshot again when it grows.</summary>
    public long ResyncRequests => Interlocked.Read(ref _resyncRequests);

    /// <summary>Parts verified and kept since start (each part fetched counts once per process).</summary>
    public long PartsVerifiedCount => Interlocked.Read(ref _partsVerified);

    /// <summary>The lowest missing parts of an active fetch, at most <paramref name="window"/>; null when no fetch is active.</summary>
    public ManifestPartsWanted? PartsWanted(int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        lock (_gate)
        {
            TryLoadStaging();
            if (!_fetchActive || _kept is not { } k)
            {
                return null;
            }

            var parts = new List<int>(Math.Min(window, k.Verified.Length));
            for (var i = 0; i < k.Verified.Length && parts.Count < window; i++)
            {
                if (!k.Verified[i])
                {
                    parts.Add(i);
                }
            }

            return new ManifestPartsWanted(k.Manifest.Seq, parts);
        }
    }

    /// <summary>
    /// One part of the kept manifest, from the topic <c>colors/snapshot/{seq}/{i}</c> (not COSE: bound to the manifest by
    /// its SHA-256). A part nobody asked for (no fetch, another manifest, verified already) is dropped unread; an empty
    /// one (cleared by the authority) abandons the manifest without an alert; one whose hash differs is dropped and
    /// rejected (<c>feed_message_rejected</c>; the link fetches it again with back-off). The last one switches the state.
    /// Never throws for bad input.
    /// </summary>
    public FeedOutcome ProcessPart(ulong seq, long index, ReadOnlySpan<byte> bytes)
    {
        FeedOutcome outcome;
        lock (_gate)
        {
            outcome = PartCore(seq, index, bytes);
        }

        Report(outcome);
        RaiseFetchChanged();
        return outcome;
    }

    /// <summary>A part of manifest <paramref name="seq"/> did not arrive within the link's timeout (cleared by the
    /// authority): the manifest is abandoned without an alert.</summary>
    public FeedOutcome AbandonFetch(ulong seq, string reason)
    {
        FeedOutcome outcome;
        lock (_gate)
        {
            TryLoadStaging();
            outcome = _kept is { } k && k.Manifest.Seq == seq
                ? Abandon($"manifest seq {seq} abandoned: {reason}")
                : new FeedOutcome(FeedOutcomeKind.PartIgnored, $"no fetch of manifest seq {seq} to abandon");
        }

        Report(outcome);
        RaiseFetchChanged();
        return outcome;
    }

    /// <summary>
    /// <c>kiosk colors import DIR</c>: <c>manifest.cose</c> and every <c>part-{i}.cbor</c> applied as rule 2 says (rule 9 does
    /// not apply to an import). A missing part, a part whose hash differs or any malformed case refuses the whole folder
    /// (<see cref="FeedOutcomeKind.Rejected"/>) and keeps nothing. One part in memory at a time.
    /// </summary>
    public FeedOutcome ImportManifestFolder(string directory, int maxManifestBytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        FeedOutcome outcome;
        lock (_gate)
        {
            Interlocked.Increment(ref _processed);
            outcome = ImportCore(directory, maxManifestBytes);
            CheckHealthCore();
        }

        Report(outcome);
        RaiseFetchChanged();
        return outcome;
    }

    private FeedOutcome ImportCore(string directory, int maxManifestBytes)
    {
        byte[] raw;
        try
        {
            raw = BoundedFile.ReadAllBytes(Path.Combine(directory, "manifest.cose"), maxManifestBytes);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new FeedOutcome(FeedOutcomeKind.Rejected, "manifest.cose is missing");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InputTooLargeException)
        {
            return new FeedOutcome(FeedOutcomeKind.Rejected, $"manifest.cose: {OneLine(ex.Message)}");
        }

        var decoded = FeedCodec.Decode(raw, _authorityKey);
        if (decoded.Message is not { } message)
        {
            return new FeedOutcome(FeedOutcomeKind.Rejected, decoded.Error ?? "undecodable");
        }

        if (message is not ManifestMessage manifest)
        {
            return new FeedOutcome(FeedOutcomeKind.Rejected, "manifest.cose is not a manifest");
        }

        if (!string.Equals(manifest.Feed, _store.Feed, StringComparison.Ordinal))
        {
            return new FeedOutcome(FeedOutcomeKind.Rejected, $"feed '{Printable(manifest.Feed)}' is not the configured feed '{_store.Feed}'");
        }

        for (var i = 0; i < manifest.PartHashes.Count; i++)
        {
            if (!File.Exists(Path.Combine(directory, ManifestStaging.PartFileName(i))))
            {
                return new FeedOutcome(FeedOutcomeKind.Rejected, $"{ManifestStaging.PartFileName(i)} is missing ({manifest.PartHashes.Count} parts listed)");
            }
        }

        return WithStore(() =>
        {
            var state = _store.FeedState.WithSignedAt(manifest.At);
            if (state.Seq is { } local && manifest.Seq < local)
            {
                _store.SaveState(state);
                return new FeedOutcome(FeedOutcomeKind.ManifestIgnored, $"manifest seq {manifest.Seq} is older than local seq {local}");
            }

            var result = ApplyParts(manifest, state, i =>
            {
                try
                {
                    return BoundedFile.ReadAllBytes(Path.Combine(directory, ManifestStaging.PartFileName(i)), FeedPart.MaxBytes);
                }
                catch (InputTooLargeException)
                {
                    return [];
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return null;
                }
            });
            if (result.Outcome is { } applied && applied.Kind == FeedOutcomeKind.ManifestApplied)
            {
                ForgetKeptIfReached();
            }

            return result.Outcome ?? new FeedOutcome(FeedOutcomeKind.Rejected, $"part {result.MissingPart} of manifest seq {manifest.Seq}: {(result.Damaged ? "its hash differs from the manifest's" : "missing or unreadable")}");
        }) ?? new FeedOutcome(FeedOutcomeKind.StoreFailed, "store: nothing applied");
    }

    /// <summary>Rule 9 for a verified manifest of our feed.</summary>
    private FeedOutcome Manifest(ManifestMessage m, ReadOnlySpan<byte> raw, ColorFeedState state)
    {
        var staging = Staging();
        var resync = staging.ResyncRequested;
        if (staging.WasRefused(m.Seq, raw))
        {
            _store.SaveState(state);
            return new FeedOutcome(FeedOutcomeKind.ManifestIgnored, $"manifest seq {m.Seq} was refused before: not fetched again");
        }

        if (state.Seq is { } local)
        {
            if (m.Seq < local && !resync)
            {
                _store.SaveState(state);
                return new FeedOutcome(FeedOutcomeKind.ManifestIgnored, $"manifest seq {m.Seq} is older than local seq {local}");
            }

            if (m.Seq == local && !resync)
            {
                _store.SaveState(state.WithInSyncAsOf(m.At));
                ForgetKeptIfReached();
                return new FeedOutcome(FeedOutcomeKind.ManifestInSync, $"manifest seq {m.Seq}: in sync");
            }
        }

        if (_kept is { } kept && kept.Manifest.Seq >= m.Seq)
        {
            _store.SaveState(state);
            return new FeedOutcome(FeedOutcomeKind.ManifestIgnored, kept.Manifest.Seq == m.Seq
                ? $"manifest seq {m.Seq} is kept already"
                : $"manifest seq {m.Seq} is older than the kept manifest seq {kept.Manifest.Seq}");
        }

        _store.SaveState(state.WithKnownSeq(m.Seq, m.At));
        staging.KeepManifest(raw);
        _kept = new Kept(m, new bool[m.PartHashes.Count], 0);
        UpdateFetchActive();
        var detail = $"manifest seq {m.Seq} kept: {m.PartHashes.Count} parts, {m.RecordCount} records, {m.DocRecordCount} document records; "
            + (_fetchActive ? "fetching its parts" : "its parts are fetched if the gap is still open after ColorFeed:SnapshotAfter");
        if (_fetchActive && m.PartHashes.Count == 0)
        {
            return SwitchOrDefer() ?? new FeedOutcome(FeedOutcomeKind.ManifestKept, detail);
        }

        return new FeedOutcome(FeedOutcomeKind.ManifestKept, detail);
    }

    private FeedOutcome PartCore(ulong seq, long index, ReadOnlySpan<byte> bytes)
    {
        if (!TryLoadStaging())
        {
            return new FeedOutcome(FeedOutcomeKind.StoreFailed, $"part {index} of manifest seq {seq}: the folder {ManifestStaging.FolderName} cannot be used");
        }

        if (_kept is not { } k || k.Manifest.Seq != seq)
        {
            return new FeedOutcome(FeedOutcomeKind.PartIgnored, $"part {index} of manifest seq {seq}: no fetch of that manifest");
        }

        if (!_fetchActive)
        {
            return new FeedOutcome(FeedOutcomeKind.PartIgnored, $"part {index} of manifest seq {seq}: its parts are not needed now");
        }

        if (index < 0 || index >= k.Verified.Length)
        {
            return new FeedOutcome(FeedOutcomeKind.PartIgnored, $"part {index} of manifest seq {seq}: the manifest lists {k.Verified.Length} parts");
        }

        var i = (int)index;
        if (k.Verified[i])
        {
            return new FeedOutcome(FeedOutcomeKind.PartIgnored, $"part {i} of manifest seq {seq} is verified already");
        }

        if (bytes.IsEmpty)
        {
            return Abandon($"manifest seq {seq} abandoned: part {i} was cleared by the authority");
        }

        if (bytes.Length > FeedPart.MaxBytes || !FeedPart.Matches(bytes, k.Manifest.PartHashes[i]))
        {
            return new FeedOutcome(FeedOutcomeKind.Rejected, $"part {i} of manifest seq {seq}: its hash differs from the manifest's; fetched again");
        }

        try
        {
            Staging().WritePart(i, bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ColorFeedLog.StoreFailed(_logger, ex.Message, ex);
            return new FeedOutcome(FeedOutcomeKind.StoreFailed, $"part {i} of manifest seq {seq} could not be kept: {OneLine(ex.Message)}");
        }

        k.Verified[i] = true;
        _kept = k with { VerifiedCount = k.VerifiedCount + 1 };
        Interlocked.Increment(ref _partsVerified);
        _fetchChanged = true;
        var verified = _kept.VerifiedCount;
        if (verified == k.Verified.Length)
        {
            return SwitchOrDefer() ?? new FeedOutcome(FeedOutcomeKind.PartVerified, $"part {i} of manifest seq {seq} verified ({verified} of {k.Verified.Length})");
        }

        return new FeedOutcome(FeedOutcomeKind.PartVerified, $"part {i} of manifest seq {seq} verified ({verified} of {k.Verified.Length})");
    }

    /// <summary>The switch of rule 10 once every part is verified; null when a part must be fetched again.</summary>
    private FeedOutcome? SwitchOrDefer()
    {
        if (_kept is not { } k)
        {
            return null;
        }

        var staging = Staging();
        var raw = staging.ReadManifest();
        if (raw is null || FeedCodec.Decode(raw, _authorityKey).Message is not ManifestMessage manifest
            || manifest.Seq != k.Manifest.Seq || !string.Equals(manifest.Feed, _store.Feed, StringComparison.Ordinal))
        {
            // It verified when it arrived; failing now means the pinned key changed or the file is gone: drop it.
            ClearKept(staging);
            return new FeedOutcome(FeedOutcomeKind.Rejected, $"the kept manifest seq {k.Manifest.Seq} no longer verifies with the pinned key: dropped");
        }

        return WithStore(() =>
        {
            var state = _store.FeedState.WithSignedAt(manifest.At);
            var result = ApplyParts(manifest, state, staging.ReadPart);
            if (result.Outcome is not { } outcome)
            {
                // A kept part went missing or was damaged on disk: fetch it again.
                if (result.MissingPart is { } missing)
                {
                    staging.DeletePart(missing);
                    k.Verified[missing] = false;
                    _kept = k with { VerifiedCount = k.VerifiedCount - 1 };
                    _fetchChanged = true;
                }

                return null;
            }

            if (outcome.Kind == FeedOutcomeKind.Rejected)
            {
                // Rule 11: the state stays exactly as it was; never fetched again.
                staging.MarkRefused(manifest.Seq, raw);
                ClearKept(staging);
                return outcome;
            }

            staging.SetResync(false);
            ClearKept(staging);
            return outcome;
        });
    }

    /// <summary>Streams the parts in order through <see cref="ManifestPartChecker"/> into one <see cref="SnapshotLoad"/>;
    /// commits only when every part and the totals check. <paramref name="readPart"/> gives a part's exact bytes, null
    /// when absent (an empty array counts as damaged).</summary>
    private PartsResult ApplyParts(ManifestMessage manifest, ColorFeedState state, Func<int, byte[]?> readPart)
    {
        var checker = new ManifestPartChecker(manifest);
        using var load = _store.BeginSnapshotLoad(manifest.Seq, anySeq: Staging().ResyncRequested);
        for (var i = 0; i < manifest.PartHashes.Count; i++)
        {
            var bytes = readPart(i);
            if (bytes is null)
            {
                return new PartsResult(null, i, Damaged: false);
            }

            if (!FeedPart.Matches(bytes, manifest.PartHashes[i]))
            {
                return new PartsResult(null, i, Damaged: true);
            }

            var decoded = FeedPart.Decode(bytes);
            if (!decoded.Ok || decoded.Part is not { } part)
            {
                return Refused(manifest, $"part {i}: {decoded.Error ?? "undecodable"}");
            }

            if (checker.Check(part, i) is { } error)
            {
                return Refused(manifest, $"part {i}: {error}");
            }

            if (part.Records.Count > 0)
            {
                load.AddRecords(part.Records as ColorRecord[] ?? [.. part.Records]);
            }

            if (part.DocRecords.Count > 0)
            {
                load.AddDocuments(part.DocRecords as DocumentRecord[] ?? [.. part.DocRecords]);
            }
        }

        if (checker.Complete(manifest.PartHashes.Count) is { } incomplete)
        {
            return Refused(manifest, incomplete);
        }

        load.Commit(SnapshotState(state, manifest.Seq, manifest.At));
        var drained = DrainPending();
        return new PartsResult(
            new FeedOutcome(FeedOutcomeKind.ManifestApplied, $"manifest seq {manifest.Seq} applied: {manifest.PartHashes.Count} parts, {_store.RecordCount} records{Documents(_store.DocumentRecordCount)}{Drained(drained)}"),
            null,
            false);
    }

    private static PartsResult Refused(ManifestMessage manifest, string reason) =>
        new(new FeedOutcome(FeedOutcomeKind.Rejected, $"manifest seq {manifest.Seq} refused: {OneLine(reason)}; state unchanged"), null, false);

    private FeedOutcome Abandon(string detail)
    {
        ClearKept(Staging());
        return new FeedOutcome(FeedOutcomeKind.ManifestAbandoned, detail);
    }

    /// <summary>The fetch stops when the local seq reached the kept manifest's (batches closed the gap, a snapshot or an
    /// import replaced the state), unless a <c>resync</c> waits for it.</summary>
    private void ForgetKeptIfReached()
    {
        Staging();
        if (_kept is { } k && _store.FeedState.Seq is { } local && local >= k.Manifest.Seq && !Staging().ResyncRequested)
        {
            ClearKept(Staging());
        }
    }

    private void ClearKept(ManifestStaging staging)
    {
        staging.Clear();
        if (_kept is not null)
        {
            _kept = null;
            _fetchChanged = true;
        }

        UpdateFetchActive();
    }

    /// <summary>Rule 9: the parts are needed when the kiosk never synced, a <c>resync</c> waits, or it has been out of
    /// sync for <see cref="ColorFeedPolicy.SnapshotAfter"/> (counted from the message that put it out of sync).</summary>
    private void UpdateFetchActive()
    {
        var active = false;
        if (_kept is not null)
        {
            var state = _store.FeedState;
            active = state.Seq is null
                || Staging().ResyncRequested
                || (state.OutOfSyncSince is { } since && _time.GetUtcNow() - since >= _policy.SnapshotAfter);
        }

        if (active != _fetchActive)
        {
            _fetchActive = active;
            _fetchChanged = true;
            ColorFeedLog.FetchActive(_logger, active, _kept?.Manifest.Seq ?? 0);
        }
    }

    /// <summary>At start: the kept manifest (verified again with the pinned key) and the parts kept on disk; a manifest
    /// that no longer verifies, is of another feed or is not ahead of the state (and no resync waits) is dropped.</summary>
    private void LoadKept()
    {
        var staging = Staging();
        var raw = staging.ReadManifest();
        _kept = null;
        if (raw is not null && FeedCodec.Decode(raw, _authorityKey).Message is ManifestMessage m
            && string.Equals(m.Feed, _store.Feed, StringComparison.Ordinal))
        {
            var verified = new bool[m.PartHashes.Count];
            var count = 0;
            foreach (var i in staging.PartIndexes())
            {
                if (i < verified.Length && !verified[i])
                {
                    verified[i] = true;
                    count++;
                }
            }

            _kept = new Kept(m, verified, count);
            ForgetKeptIfReached();
        }
        else if (raw is not null)
        {
            staging.Clear();
        }

        UpdateFetchActive();
    }

    /// <summary>The periodic part of rules 9 and 10: the <c>SnapshotAfter</c> deadline, the fetch stopped when the state
    /// reached the kept manifest (an import by another process), and a switch that could not run (the store was busy)
    /// tried again. Returns the switch's outcome when one ran.</summary>
    private FeedOutcome? CheckFetchCore()
    {
        try
        {
            ForgetKeptIfReached();
            UpdateFetchActive();
            if (_fetchActive && _kept is { } k && k.VerifiedCount == k.Verified.Length)
            {
                return WithStore(SwitchOrDefer);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ColorFeedLog.StoreFailed(_logger, ex.Message, ex);
        }

        return null;
    }

    /// <summary>Loads the staging folder when not yet loaded; false (logged) when it cannot be used.</summary>
    private bool TryLoadStaging()
    {
        try
        {
            Staging();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ColorFeedLog.StoreFailed(_logger, ex.Message, ex);
            return false;
        }
    }

    private ManifestStaging Staging()
    {
        if (_staging is null)
        {
            _staging = ManifestStaging.Open(_store.DatabasePath);
            LoadKept();
        }

        return _staging;
    }

    /// <summary>Runs a store write, turning the store's failures into <see cref="FeedOutcomeKind.StoreFailed"/> (staging kept:
    /// the switch is tried again at the next health check).</summary>
    private FeedOutcome? WithStore(Func<FeedOutcome?> write)
    {
        try
        {
            return write();
        }
        catch (ColorStoreChangedException ex)
        {
            _store.Reload();
            return new FeedOutcome(FeedOutcomeKind.StoreFailed, $"store: {OneLine(ex.Message)}");
        }
        catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            ColorFeedLog.StoreFailed(_logger, ex.Message, ex);
            return new FeedOutcome(FeedOutcomeKind.StoreFailed, $"store: {OneLine(ex.Message)}");
        }
    }

    /// <summary>Alerts and logs one outcome the way <see cref="Process"/> does.</summary>
    private void Report(FeedOutcome outcome)
    {
        if (outcome.Kind == FeedOutcomeKind.Rejected)
        {
            Interlocked.Increment(ref _rejected);
            ColorFeedLog.Rejected(_logger, outcome.Detail);
            _alerts.Notify(AlertKinds.FeedMessageRejected, outcome.Detail);
        }
        else
        {
            ColorFeedLog.Processed(_logger, outcome.Kind, outcome.Detail);
        }
    }

    private void RaiseFetchChanged()
    {
        bool changed;
        lock (_gate)
        {
            changed = _fetchChanged;
            _fetchChanged = false;
        }

        if (changed)
        {
            FetchChanged?.Invoke();
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>The kept manifest, which of its parts are on disk, and how many.</summary>
    private sealed record Kept(ManifestMessage Manifest, bool[] Verified, int VerifiedCount);

    /// <summary>An outcome (applied or refused), or the part that must be read again (absent, or damaged when its hash differs).</summary>
    private readonly record struct PartsResult(FeedOutcome? Outcome, int? MissingPart, bool Damaged);
}

/// <summary>Log messages of the manifest fetch (3150-3159). None carries an id or a color.</summary>
internal static partial class ColorFeedLog
{
    [LoggerMessage(EventId = 3150, Level = LogLevel.Information, Message = "Color feed: fetch of the parts of manifest seq {Seq} active: {Active}")]
    public static partial void FetchActive(ILogger logger, bool active, ulong seq);
}
