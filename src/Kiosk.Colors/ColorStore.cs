using HealthCode.Formats;
using HealthCode.Formats.Identity;
using Kiosk.Core.Checkpoint;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Kiosk.Colors;

/// <summary>
/// The durable local copy of the color feed, served from disk (no resident table: a province's 34 million records
/// would not fit a Raspberry Pi's memory). Two kinds of SQLite files beside each other:
/// <list type="bullet">
/// <item>the main database <c>colors.db</c> (WAL, synchronous=FULL): the state row, issuer names, kept-aside gap batches,
/// the signed trust list, and the changes applied by batches since the last snapshot (the delta tables <c>records</c>
/// and <c>doc_records</c>); its state row names the current generation file;</item>
/// <item>the generation file <c>colors.db.gen-{seq}-{n}</c>: one snapshot's records (the base), written once by a
/// <see cref="SnapshotLoad"/> in key order, synced, and then only read.</item>
/// </list>
/// Every message is applied in one transaction of the main database, and a snapshot switches to its generation file in
/// one such commit, so after a crash or power cut the store holds the state before or after a message, never a mix
/// (color-feed.md rule 7); generation files no state names are deleted at the next open. Lookups
/// (<see cref="StoreReader"/>: the delta first, then the base) and <see cref="State"/> are thread-safe; the write
/// methods are called by one writer at a time (<see cref="ColorFeedProcessor"/> serialises them). Other processes may
/// write the same files (a technician's <c>kiosk colors import</c> beside the service): every write takes SQLite's write
/// lock first and throws <see cref="ColorStoreChangedException"/> when the committed state is no longer the one in memory.
/// Its parts: <see cref="ColorStoreSchema"/> (tables), <see cref="SnapshotLoad"/> (generation files),
/// <see cref="ColorRowWriter"/> (batch upserts), <see cref="StoreReader"/> (lookups), <see cref="StoreFiles"/> (file
/// names, leftovers, fsync), <see cref="PendingBatches"/> (gap batches kept aside), <see cref="SignedTrustMessage"/> (the trust list).
/// </summary>
public sealed class ColorStore : IColorStore, ITrustListSource, IDisposable
{
    // 2: document records (doc_records, state.doc_record_count).
    // 3: generation files (state.generation; records and doc_records hold the changes since the snapshot), state.out_of_sync_since.
    private const int SchemaVersion = 3;

    private static readonly RecordTable Codes = new("records", ByIssuer: true);
    private static readonly RecordTable Documents = new("doc_records", ByIssuer: false);

    private readonly SqliteConnection _db;
    private readonly ColorStoreSettings _settings;
    private readonly Lock _issuerLock = new();
    private StoreReader? _reader;
    private Dictionary<string, ushort> _issuerIndex = new(StringComparer.Ordinal);
    private List<string> _issuerNames = [];
    private string? _generation;
    private SnapshotLoad? _activeLoad;
    private volatile ColorFeedState _feedState = ColorFeedState.Empty;
    private volatile ColorDataState _state;
    private volatile TrustList? _signedTrust;
    private long _recordCount;
    private long _docRecordCount;
    private int _pendingCount;

    // PRAGMA data_version as of the last load; it changes only when another connection commits.
    private long _dataVersion;

    private ColorStore(SqliteConnection db, ColorStoreSettings settings)
    {
        _db = db;
        _settings = settings;
        _state = new ColorDataState(settings.Feed, null, null, null, 0, false);
    }

    /// <summary>Opens (or creates) the store: reads its state (no records are loaded: lookups read the files) and deletes
    /// generation files left by a load that never committed.</summary>
    /// <exception cref="SqliteException">The file cannot be opened or is not a color store.</exception>
    /// <exception cref="InvalidDataException">The store holds another feed and <see cref="ColorStoreSettings.ResetOnFeedChange"/> is false.</exception>
    public static ColorStore Open(ColorStoreSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var directory = Path.GetDirectoryName(Path.GetFullPath(settings.DatabasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = settings.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(settings.BusyTimeout.TotalSeconds),
        }.ToString());
        var store = new ColorStore(db, settings);
        try
        {
            db.Open();
            store.Initialise();
            store._reader = new StoreReader(settings.DatabasePath);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>The configured feed.</summary>
    public string Feed => _settings.Feed;

    /// <summary>The database file (the manifest fetch stages its parts in a folder next to it).</summary>
    public string DatabasePath => _settings.DatabasePath;

    /// <inheritdoc />
    public ColorDataState State => _state;

    /// <summary>The feed bookkeeping (seq, known seq, freshness, latest signed time, trust time).</summary>
    public ColorFeedState FeedState => _feedState;

    /// <summary>Gap batches kept aside.</summary>
    public int PendingCount => Volatile.Read(ref _pendingCount);

    /// <summary>Records held.</summary>
    public long RecordCount => Interlocked.Read(ref _recordCount);

    /// <summary>Document records held.</summary>
    public long DocumentRecordCount => Interlocked.Read(ref _docRecordCount);

    /// <summary>The generation file holding the current snapshot's records (file name, beside the database); null when
    /// no snapshot was loaded since the store was made or emptied (or it predates generation files: all its records
    /// are then in the main database).</summary>
    public string? Generation => _generation;

    /// <summary>The signed trust list when one was received, else the provisioning list, else empty.</summary>
    public TrustList Current => _signedTrust ?? _settings.Provisioning?.Current ?? TrustList.Empty;

    /// <summary>The signed trust list, when one was received.</summary>
    public TrustList? SignedTrust => _signedTrust;

    /// <inheritdoc />
    public bool TryLookup(string issuer, CodeId id, out HealthColor color, out long colorTime)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        return Reader.TryLookup(issuer, id, out color, out colorTime);
    }

    /// <inheritdoc />
    public bool TryLookupDocument(DocRef docRef, out HealthColor color, out long colorTime)
    {
        Span<byte> key = stackalloc byte[DocRef.Length];
        docRef.WriteTo(key);
        return Reader.TryLookupDocument(key, out color, out colorTime);
    }

    /// <summary>Starts loading a snapshot (a manifest's parts, or a whole snapshot): its records stream into a new
    /// generation file while lookups and the rest of the store keep the current state; <see cref="SnapshotLoad.Commit"/>
    /// switches atomically, disposing without it leaves nothing behind. One load at a time.</summary>
    /// <param name="seq">The snapshot's seq.</param>
    /// <param name="anySeq">A fleet <c>resync</c> (mqtt.md: the newest snapshot or manifest whatever its seq): the commit
    /// may take the store below its seq; every kept-aside gap batch is then dropped (they count from the old seq).</param>
    /// <exception cref="InvalidOperationException">Another load of this store is in progress.</exception>
    public SnapshotLoad BeginSnapshotLoad(ulong seq, bool anySeq = false)
    {
        if (_activeLoad is not null)
        {
            throw new InvalidOperationException("a snapshot load of this color store is already in progress");
        }

        var name = StoreFiles.NewGenerationName(_settings.DatabasePath, seq);
        var load = new SnapshotLoad(this, seq, name, StoreFiles.PathOf(_settings.DatabasePath, name)) { AnySeq = anySeq };
        _activeLoad = load;
        return load;
    }

    /// <summary>Replaces every record and every document record with the snapshot's (none when it has no
    /// <c>docRecords</c>; repeated keys merged, the larger ct winning) and writes <paramref name="next"/>, atomically,
    /// through a <see cref="SnapshotLoad"/>. Gap batches up to the snapshot's seq are dropped in the same commit.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="next">The state written with it.</param>
    /// <param name="anySeq">A fleet <c>resync</c>: see <see cref="BeginSnapshotLoad"/>.</param>
    public void ApplySnapshot(SnapshotMessage snapshot, ColorFeedState next, bool anySeq = false)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(next);
        var records = StoreKeyOrder.SortedDistinct(snapshot.Records);
        var documents = StoreKeyOrder.SortedDistinct(snapshot.DocRecords);
        using var load = BeginSnapshotLoad(snapshot.Seq, anySeq);
        load.AddRecords(records);
        load.AddDocuments(documents);
        load.Commit(next);
    }

    /// <summary>The switch of <see cref="SnapshotLoad.Commit"/>, once its generation file is synced: one commit of the
    /// main database names it, empties the delta tables, replaces the issuer names, drops gap batches up to its seq and
    /// writes the state. The previous generation file is deleted after the commit.</summary>
    internal void CommitGeneration(SnapshotLoad load, ColorFeedState next)
    {
        if (!ReferenceEquals(load, _activeLoad))
        {
            throw new InvalidOperationException("this snapshot load is not the store's current one");
        }

        var back = _feedState.Seq is { } current && current > load.Seq;
        if (back && !load.AnySeq)
        {
            var local = _feedState.Seq!.Value;
            throw new InvalidOperationException($"the color store's seq {local} is above the load's seq {load.Seq}");
        }

        next = next.Settled();
        var names = load.IssuerNames.ToList();
        var previous = _generation;
        using (var tx = BeginWrite())
        {
            Exec(tx, $"DELETE FROM {Codes.Name}");
            Exec(tx, $"DELETE FROM {Documents.Name}");
            WriteIssuers(tx, names, 0);
            using (var dropPending = Command(tx, "DELETE FROM pending WHERE seq <= $seq"))
            {
                // Going back (a resync): every kept-aside batch belongs to the seqs left behind.
                dropPending.Parameters.AddWithValue("$seq", back ? long.MaxValue : unchecked((long)load.Seq));
                dropPending.ExecuteNonQuery();
            }

            WriteGeneration(tx, load.GenerationName);
            WriteState(tx, next, load.RecordCount, load.DocumentRecordCount);
            tx.Commit();
        }

        _activeLoad = null;
        _generation = load.GenerationName;
        SetIssuers(names);
        SetCounts(load.RecordCount, load.DocumentRecordCount);
        _pendingCount = CountPending();
        Publish(next);

        // The switch of the lookups and the old file's release happen here, on the loader's thread, not in the first
        // lookup after the commit (a decision): the reader opens the new file and closes the old, then the old is deleted
        // with no mapping left, so its blocks are freed by this thread. Should the new file not open now, the commit
        // stands and the next lookup follows the state by itself, as it follows another process's commit.
        try
        {
            Reader.SwitchTo(load.GenerationName);
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            // The lookups follow the committed state themselves (StoreReader.Read).
        }

        DeleteGeneration(previous);
    }

    /// <summary>A load was disposed without its commit.</summary>
    internal void LoadEnded(SnapshotLoad load)
    {
        if (ReferenceEquals(load, _activeLoad))
        {
            _activeLoad = null;
        }
    }

    /// <summary>Upserts the batch's records and document records (per record, the larger ct wins; on equal ct the more
    /// severe color) into the delta tables, and writes <paramref name="next"/>, in one transaction.
    /// The batch's own seq is removed from the gap batches in the same transaction.</summary>
    /// <exception cref="InvalidOperationException">The batch would exceed the store's issuer limit (nothing is applied).</exception>
    public void ApplyBatch(BatchMessage batch, ColorFeedState next)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(next);
        next = next.Settled();

        Dictionary<string, ushort> index;
        List<string> names;
        lock (_issuerLock)
        {
            index = new Dictionary<string, ushort>(_issuerIndex, StringComparer.Ordinal);
            names = [.. _issuerNames];
        }

        var firstNew = names.Count;
        var rows = ColorRows.ToRows(batch.Records, names, index);
        var docRows = ColorRows.ToRows(batch.DocRecords);
        long added;
        long docAdded;
        using (var tx = BeginWrite())
        {
            WriteIssuers(tx, names, firstNew);
            added = ColorRowWriter.UpsertRows(_db, Codes, rows, names, Reader);
            docAdded = ColorRowWriter.UpsertRows(_db, Documents, docRows, names, Reader);
            using (var dropPending = Command(tx, "DELETE FROM pending WHERE seq <= $seq"))
            {
                dropPending.Parameters.AddWithValue("$seq", unchecked((long)batch.Seq));
                dropPending.ExecuteNonQuery();
            }

            WriteState(tx, next, RecordCount + added, DocumentRecordCount + docAdded);
            tx.Commit();
        }

        SetIssuers(names);
        Interlocked.Add(ref _recordCount, added);
        Interlocked.Add(ref _docRecordCount, docAdded);
        _pendingCount = CountPending();
        Publish(next);
    }

    /// <summary>Writes the bookkeeping alone (heartbeats, ignored messages that still raise the latest signed time).</summary>
    public void SaveState(ColorFeedState next)
    {
        ArgumentNullException.ThrowIfNull(next);
        next = next.Settled();
        if (next == _feedState)
        {
            return;
        }

        using (var tx = BeginWrite())
        {
            WriteState(tx, next, RecordCount, DocumentRecordCount);
            tx.Commit();
        }

        Publish(next);
    }

    /// <summary>Keeps a gap batch aside (raw signed bytes) and writes <paramref name="next"/>, in one transaction.
    /// Beyond <see cref="ColorStoreSettings.MaxPendingBatches"/> the highest seqs are dropped.</summary>
    public void KeepPending(ulong seq, ReadOnlySpan<byte> signedMessage, ColorFeedState next)
    {
        ArgumentNullException.ThrowIfNull(next);
        next = next.Settled();
        using (var tx = BeginWrite())
        {
            PendingBatches.Keep(_db, tx, seq, signedMessage, _settings.MaxPendingBatches);

            WriteState(tx, next, RecordCount, DocumentRecordCount);
            tx.Commit();
        }

        _pendingCount = CountPending();
        Publish(next);
    }

    /// <summary>True when a gap batch with this seq is kept aside.</summary>
    public bool HasPending(ulong seq) => PendingBatches.Has(_db, seq);

    /// <summary>The kept-aside batch with this seq (raw signed bytes), if any.</summary>
    public byte[]? ReadPending(ulong seq) => PendingBatches.Read(_db, seq);

    /// <summary>Drops one kept-aside batch (it failed to decode or apply when its turn came).</summary>
    public void DropPending(ulong seq)
    {
        PendingBatches.Drop(_db, seq);
        _pendingCount = CountPending();
    }

    /// <summary>Replaces the signed trust list (raw signed message kept, verified again at open) and writes <paramref name="next"/>.</summary>
    public void ReplaceTrust(TrustList trust, ReadOnlySpan<byte> signedMessage, ColorFeedState next)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(next);
        next = next.Settled();
        using (var tx = BeginWrite())
        {
            SignedTrustMessage.Save(_db, tx, signedMessage);

            WriteState(tx, next, RecordCount, DocumentRecordCount);
            tx.Commit();
        }

        _signedTrust = trust;
        Publish(next);
    }

    /// <summary>Drops the color data (records, document records, seq, freshness, gap batches) and waits for a snapshot
    /// (fleet <c>resync</c>). The trust list and the latest signed time stay.</summary>
    public void ResetColors()
    {
        var next = _feedState with { Seq = null, KnownSeq = null, InSyncAsOf = null, OutOfSyncSince = null };
        var previous = _generation;
        using (var tx = BeginWrite())
        {
            DeleteColorData(tx);
            WriteState(tx, next, 0, 0);
            tx.Commit();
        }

        _generation = null;
        SetIssuers([]);
        Interlocked.Exchange(ref _recordCount, 0);
        Interlocked.Exchange(ref _docRecordCount, 0);
        _pendingCount = 0;
        Publish(next);
        DeleteGeneration(previous);
    }

    /// <summary>Reads every record as committed, the delta over the base (tests and the crash check: independent of
    /// the lookup path).</summary>
    public IEnumerable<ColorRecord> ReadAllFromDisk()
    {
        using var db = OpenInspection(out var hasBase);
        var sql = "SELECT i.name, r.id, r.color, r.ct FROM main.records r JOIN main.issuers i ON i.idx = r.issuer";
        if (hasBase)
        {
            sql += """

                UNION ALL
                SELECT gi.name, g.id, g.color, g.ct FROM gen.records g JOIN gen.issuers gi ON gi.idx = g.issuer
                WHERE NOT EXISTS (SELECT 1 FROM main.records d WHERE d.issuer = g.issuer AND d.id = g.id)
                """;
        }

        using var select = SqliteCommands.Command(db, null, sql);
        using var rows = select.ExecuteReader();
        var id = new byte[CodeId.Length];
        while (rows.Read())
        {
            rows.GetBytes(1, 0, id, 0, CodeId.Length);
            yield return new ColorRecord(rows.GetString(0), CodeId.FromBytes(id), (HealthColor)rows.GetInt32(2), rows.GetInt64(3));
        }
    }

    /// <summary>Reads every document record as committed, the delta over the base (tests and the crash check).</summary>
    public IEnumerable<DocumentRecord> ReadAllDocumentsFromDisk()
    {
        using var db = OpenInspection(out var hasBase);
        var sql = "SELECT id, color, ct FROM main.doc_records";
        if (hasBase)
        {
            sql += " UNION ALL SELECT g.id, g.color, g.ct FROM gen.doc_records g WHERE NOT EXISTS (SELECT 1 FROM main.doc_records d WHERE d.id = g.id)";
        }

        using var select = SqliteCommands.Command(db, null, sql);
        using var rows = select.ExecuteReader();
        var id = new byte[DocRef.Length];
        while (rows.Read())
        {
            rows.GetBytes(0, 0, id, 0, DocRef.Length);
            yield return new DocumentRecord(DocRef.FromBytes(id), (HealthColor)rows.GetInt32(1), rows.GetInt64(2));
        }
    }

    /// <summary>Runs SQLite's own integrity check on the main database and the current generation file; "ok" when both are sound.</summary>
    public string IntegrityCheck()
    {
        using var db = OpenInspection(out _);
        using var cmd = SqliteCommands.Command(db, null, "PRAGMA integrity_check");
        return cmd.ExecuteScalar() as string ?? "no answer";
    }

    public void Dispose()
    {
        _activeLoad?.Dispose();
        _reader?.Dispose();
        _db.Dispose();
    }

    private void Initialise()
    {
        // Another process (a technician's `kiosk colors import` beside the service) may hold the write lock: wait for it.
        Exec(null, $"PRAGMA busy_timeout = {(long)_settings.BusyTimeout.TotalMilliseconds}");
        Exec(null, "PRAGMA journal_mode = WAL");
        // FULL: in WAL mode every commit is fsynced, so an applied message survives a power cut (rule 7:
        // "never loses an applied one"). NORMAL would stay consistent but could roll back the last commits.
        Exec(null, "PRAGMA synchronous = FULL");
        Exec(null, "PRAGMA journal_size_limit = 67108864");
        ColorStoreSchema.Create(_db, Codes, Documents, _settings.Feed, SchemaVersion);

        string feed;
        using (var cmd = Command(null, "SELECT feed FROM state WHERE id = 1"))
        {
            feed = (string)cmd.ExecuteScalar()!;
        }

        if (!string.Equals(feed, _settings.Feed, StringComparison.Ordinal))
        {
            if (!_settings.ResetOnFeedChange)
            {
                throw new InvalidDataException($"the color store holds feed '{feed}', not '{_settings.Feed}'");
            }

            // Color data of another feed is useless here; the trust list and the signed time still hold.
            using var tx = _db.BeginTransaction();
            var (state, _, _, _) = ReadState(tx);
            DeleteColorData(tx);
            using (var setFeed = Command(tx, "UPDATE state SET feed = $feed WHERE id = 1"))
            {
                setFeed.Parameters.AddWithValue("$feed", _settings.Feed);
                setFeed.ExecuteNonQuery();
            }

            WriteState(tx, state with { Seq = null, KnownSeq = null, InSyncAsOf = null, OutOfSyncSince = null }, 0, 0);
            tx.Commit();
        }

        Reload();
        DeleteLeftovers();
    }

    /// <summary>Deletes generation files no committed state names and no builder holds, under the write lock (so a
    /// load of another process cannot commit its file between the check and the delete).</summary>
    private void DeleteLeftovers()
    {
        using var tx = _db.BeginTransaction(deferred: false);
        using var cmd = Command(tx, "SELECT generation FROM state WHERE id = 1");
        var current = cmd.ExecuteScalar() as string;
        StoreFiles.DeleteLeftovers(_settings.DatabasePath, current);
        tx.Commit();
    }

    /// <summary>Reads the committed state, its generation and the issuer names again from disk, in one read transaction
    /// (no records: lookups read the files). Called at open, and by the processor when another process committed to the
    /// same file since this one last read or wrote it (<see cref="ColorStoreChangedException"/>).</summary>
    /// <exception cref="InvalidDataException">The generation file the state names is missing.</exception>
    public void Reload()
    {
        for (var attempt = 1; ; attempt++)
        {
            using var tx = _db.BeginTransaction(deferred: true);
            var version = ReadDataVersion(tx);
            var (state, count, docCount, generation) = ReadState(tx);
            if (generation is not null && !File.Exists(StoreFiles.PathOf(_settings.DatabasePath, generation)))
            {
                tx.Commit();
                if (attempt < 3)
                {
                    continue; // another process switched generations after this transaction began: read again
                }

                throw new InvalidDataException("color store: the generation file its state names is missing");
            }

            var signedTrust = SignedTrustMessage.Load(_db, tx, _settings.AuthorityKey);
            if (signedTrust is null && state.TrustAt is not null)
            {
                // Signed by a key no longer pinned: fall back to the provisioning list until a new one arrives.
                state = state with { TrustAt = null };
            }

            var names = LoadIssuers(tx);
            var pending = CountPending(tx);
            tx.Commit();
            _generation = generation;
            SetIssuers(names);
            _signedTrust = signedTrust;
            SetCounts(count, docCount);
            _pendingCount = pending;
            _dataVersion = version;
            Publish(state);
            return;
        }
    }

    /// <summary>Takes the write lock (<c>BEGIN IMMEDIATE</c>; waits up to <see cref="ColorStoreSettings.BusyTimeout"/> for
    /// another process) and checks, inside that transaction, that what is committed is what this instance decided on.
    /// <c>PRAGMA data_version</c> changes only when another connection committed; then the committed state row and
    /// gap-batch count are compared with the in-memory copy, and when they differ the transaction is rolled back and
    /// <see cref="ColorStoreChangedException"/> thrown: the caller reloads and decides again.</summary>
    private SqliteTransaction BeginWrite()
    {
        var tx = _db.BeginTransaction(deferred: false);
        try
        {
            if (ChangedElsewhere(tx))
            {
                throw new ColorStoreChangedException();
            }

            return tx;
        }
        catch
        {
            tx.Dispose();
            throw;
        }
    }

    /// <summary>Reloads from disk when another process committed a different color state since this instance last
    /// read or wrote the file (the health check calls it, so a long-running service follows an import within one check
    /// interval even when no feed message arrives). Cheap when nothing changed: one <c>PRAGMA data_version</c>.</summary>
    /// <returns>True when it reloaded.</returns>
    public bool ReloadIfChangedElsewhere()
    {
        using (var tx = _db.BeginTransaction(deferred: true))
        {
            if (!ChangedElsewhere(tx))
            {
                return false;
            }
        }

        Reload();
        return true;
    }

    /// <summary>True when another connection committed a color state (state row, gap batches) other than the in-memory
    /// one. A commit elsewhere that left them equal (a store opened by <c>colors status</c>) is just noted.</summary>
    private bool ChangedElsewhere(SqliteTransaction tx)
    {
        var version = ReadDataVersion(tx);
        if (version == _dataVersion)
        {
            return false;
        }

        var (state, count, docCount, generation) = ReadState(tx);
        if (state != _feedState || !string.Equals(generation, _generation, StringComparison.Ordinal) || count != RecordCount || docCount != DocumentRecordCount || CountPending(tx) != PendingCount)
        {
            return true;
        }

        _dataVersion = version;
        return false;
    }

    private long ReadDataVersion(SqliteTransaction tx)
    {
        using var cmd = Command(tx, "PRAGMA data_version");
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The committed state row: bookkeeping, record count, document record count, generation file.</summary>
    private (ColorFeedState State, long Count, long DocCount, string? Generation) ReadState(SqliteTransaction tx)
    {
        using var cmd = Command(tx, "SELECT seq, known_seq, in_sync_as_of, latest_signed_at, record_count, trust_at, doc_record_count, out_of_sync_since, generation FROM state WHERE id = 1");
        using var reader = cmd.ExecuteReader();
        reader.Read();
        var state = new ColorFeedState(
            reader.IsDBNull(0) ? null : unchecked((ulong)reader.GetInt64(0)),
            reader.IsDBNull(1) ? null : unchecked((ulong)reader.GetInt64(1)),
            Time(reader, 2),
            Time(reader, 3),
            Time(reader, 5),
            Time(reader, 7));
        return (state, reader.GetInt64(4), reader.GetInt64(6), reader.IsDBNull(8) ? null : reader.GetString(8));
    }

    private List<string> LoadIssuers(SqliteTransaction tx)
    {
        var names = new List<string>();
        using var cmd = Command(tx, "SELECT idx, name FROM issuers ORDER BY idx");
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var idx = reader.GetInt32(0);
            if (idx != names.Count)
            {
                throw new InvalidDataException("color store: issuer indexes are not dense");
            }

            names.Add(reader.GetString(1));
        }

        return names;
    }

    private void Publish(ColorFeedState next)
    {
        _feedState = next;
        _state = new ColorDataState(_settings.Feed, next.Seq, next.InSyncAsOf, next.LatestSignedAt, RecordCount, next.OutOfSync)
        {
            DocumentRecordCount = DocumentRecordCount,
        };
    }

    private int CountPending(SqliteTransaction? tx = null) => PendingBatches.Count(_db, tx);

    private void WriteState(SqliteTransaction tx, ColorFeedState next, long recordCount, long docRecordCount)
    {
        using var cmd = Command(tx, """
            UPDATE state SET seq = $seq, known_seq = $known, in_sync_as_of = $insync, latest_signed_at = $signed,
                             record_count = $count, trust_at = $trust, doc_record_count = $docs, out_of_sync_since = $oos
            WHERE id = 1
            """);
        cmd.Parameters.AddWithValue("$seq", next.Seq is { } s ? unchecked((long)s) : DBNull.Value);
        cmd.Parameters.AddWithValue("$known", next.KnownSeq is { } k ? unchecked((long)k) : DBNull.Value);
        cmd.Parameters.AddWithValue("$insync", Epoch(next.InSyncAsOf));
        cmd.Parameters.AddWithValue("$signed", Epoch(next.LatestSignedAt));
        cmd.Parameters.AddWithValue("$count", recordCount);
        cmd.Parameters.AddWithValue("$docs", docRecordCount);
        cmd.Parameters.AddWithValue("$trust", Epoch(next.TrustAt));
        cmd.Parameters.AddWithValue("$oos", Epoch(next.OutOfSyncSince));
        cmd.ExecuteNonQuery();
    }

    /// <summary>Empties the color data: records, document records (the generation is no longer named; its file is
    /// deleted after the commit, or at the next open), issuer names and gap batches.</summary>
    private void DeleteColorData(SqliteTransaction tx)
    {
        WriteGeneration(tx, null);
        Exec(tx, $"DELETE FROM {Codes.Name}");
        Exec(tx, $"DELETE FROM {Documents.Name}");
        Exec(tx, "DELETE FROM issuers");
        Exec(tx, "DELETE FROM pending");
    }

    private SqliteCommand Command(SqliteTransaction? tx, string sql) => SqliteCommands.Command(_db, tx, sql);

    private void Exec(SqliteTransaction? tx, string sql) => SqliteCommands.Exec(_db, tx, sql);

    private static object Epoch(DateTimeOffset? time) => time is { } t ? t.ToUnixTimeSeconds() : DBNull.Value;

    private static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(ordinal));

    private StoreReader Reader => _reader ?? throw new ObjectDisposedException(nameof(ColorStore));

    /// <summary>The issuer names (indexes of the delta table's rows) for the next batch.</summary>
    private void SetIssuers(List<string> names)
    {
        var index = new Dictionary<string, ushort>(names.Count, StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            index[names[i]] = (ushort)i;
        }

        lock (_issuerLock)
        {
            _issuerIndex = index;
            _issuerNames = names;
        }
    }

    /// <summary>Writes the issuer names from <paramref name="first"/> on (all of them after a delete).</summary>
    private void WriteIssuers(SqliteTransaction tx, List<string> names, int first)
    {
        if (first == 0)
        {
            Exec(tx, "DELETE FROM issuers");
        }

        using var insertIssuer = Command(tx, "INSERT INTO issuers(idx, name) VALUES ($idx, $name)");
        var pIdx = insertIssuer.Parameters.Add("$idx", SqliteType.Integer);
        var pName = insertIssuer.Parameters.Add("$name", SqliteType.Text);
        for (var i = first; i < names.Count; i++)
        {
            pIdx.Value = i;
            pName.Value = names[i];
            insertIssuer.ExecuteNonQuery();
        }
    }

    private void WriteGeneration(SqliteTransaction tx, string? generation)
    {
        using var cmd = Command(tx, "UPDATE state SET generation = $g WHERE id = 1");
        cmd.Parameters.AddWithValue("$g", (object?)generation ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Deletes a generation file no longer named (after the commit that stopped naming it).</summary>
    private void DeleteGeneration(string? generation)
    {
        if (generation is not null)
        {
            StoreFiles.DeleteGeneration(StoreFiles.PathOf(_settings.DatabasePath, generation));
        }
    }

    /// <summary>A read-only connection to the main database with the current generation file attached as <c>gen</c>.</summary>
    private SqliteConnection OpenInspection(out bool hasBase)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _settings.DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        try
        {
            db.Open();
            using var cmd = SqliteCommands.Command(db, null, "SELECT generation FROM state WHERE id = 1");
            hasBase = cmd.ExecuteScalar() is string generation;
            if (hasBase)
            {
                using var attach = SqliteCommands.Command(db, null, "ATTACH DATABASE $path AS gen");
                attach.Parameters.AddWithValue("$path", StoreFiles.PathOf(_settings.DatabasePath, (string)cmd.ExecuteScalar()!));
                attach.ExecuteNonQuery();
            }

            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>The record counts the status reports.</summary>
    private void SetCounts(long count, long docCount)
    {
        Interlocked.Exchange(ref _recordCount, count);
        Interlocked.Exchange(ref _docRecordCount, docCount);
    }
}
