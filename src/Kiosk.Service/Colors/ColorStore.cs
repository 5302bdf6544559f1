using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using HealthCode.Formats.Identity;
using Kiosk.Service.Checkpoint;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Kiosk.Service.Colors;

/// <summary>
/// The durable local copy of the color feed: SQLite (WAL, synchronous=FULL) for durability, resident
/// <see cref="ColorTable"/>s for lookups: one for the code records, one for the document records (people known by ID
/// card, identity.md). Every message is applied in one SQLite transaction that covers both, so after a crash
/// or power cut the store holds the state before or after a message, never a mix (color-feed.md rule 7).
/// Lookups and <see cref="State"/> are thread-safe; the write methods are called by one writer at a time
/// (<see cref="ColorFeedProcessor"/> serialises them). Other processes may write the same file (a technician's
/// <c>kiosk colors import</c> beside the service): every write takes SQLite's write lock first and throws
/// <see cref="ColorStoreChangedException"/> when the committed state is no longer the one in memory.
/// </summary>
public sealed class ColorStore : IColorStore, ITrustListSource, IDisposable
{
    // 2: document records (doc_records, state.doc_record_count).
    private const int SchemaVersion = 2;

    private static readonly RecordTable Codes = new("records", ByIssuer: true);
    private static readonly RecordTable Documents = new("doc_records", ByIssuer: false);

    private readonly SqliteConnection _db;
    private readonly ColorStoreSettings _settings;
    private readonly Lock _tableLock = new();
    private ColorTable? _table;
    private ColorTable? _docTable;
    private Dictionary<string, ushort> _issuerIndex = new(StringComparer.Ordinal);
    private List<string> _issuerNames = [];
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

    /// <summary>Opens (or creates) the store and, unless told otherwise, loads the records into memory.</summary>
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

    /// <inheritdoc />
    public ColorDataState State => _state;

    /// <summary>The feed bookkeeping (seq, known seq, freshness, latest signed time, trust time).</summary>
    public ColorFeedState FeedState => _feedState;

    /// <summary>Gap batches kept aside.</summary>
    public int PendingCount => Volatile.Read(ref _pendingCount);

    /// <summary>Records held (on disk; equal to the resident count).</summary>
    public long RecordCount => Interlocked.Read(ref _recordCount);

    /// <summary>Document records held (on disk; equal to the resident count).</summary>
    public long DocumentRecordCount => Interlocked.Read(ref _docRecordCount);

    /// <summary>True when the records are resident (lookups served from memory).</summary>
    public bool IsResident => _table is not null;

    /// <summary>The signed trust list when one was received, else the provisioning list, else empty.</summary>
    public TrustList Current => _signedTrust ?? _settings.Provisioning?.Current ?? TrustList.Empty;

    /// <summary>The signed trust list, when one was received.</summary>
    public TrustList? SignedTrust => _signedTrust;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The store was opened without resident records.</exception>
    public bool TryLookup(string issuer, CodeId id, out HealthColor color, out long colorTime)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        lock (_tableLock)
        {
            var table = _table ?? throw new InvalidOperationException("The color store was opened without resident records.");
            if (_issuerIndex.TryGetValue(issuer, out var index))
            {
                return table.TryGet(index, id, out color, out colorTime);
            }
        }

        color = default;
        colorTime = default;
        return false;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The store was opened without resident records.</exception>
    public bool TryLookupDocument(DocRef docRef, out HealthColor color, out long colorTime)
    {
        lock (_tableLock)
        {
            var table = _docTable ?? throw new InvalidOperationException("The color store was opened without resident records.");
            return table.TryGet(0, docRef.High, docRef.Low, out color, out colorTime);
        }
    }

    /// <summary>Replaces every record and every document record with the snapshot's (none when it has no
    /// <c>docRecords</c>) and writes <paramref name="next"/>, in one transaction.
    /// Gap batches up to the snapshot's seq are dropped in the same transaction.</summary>
    public void ApplySnapshot(SnapshotMessage snapshot, ColorFeedState next)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(next);

        var names = new List<string>();
        var index = new Dictionary<string, ushort>(StringComparer.Ordinal);
        var rows = ToRows(snapshot.Records, names, index);
        Array.Sort(rows);
        var count = Deduplicate(rows);
        var docRows = ToRows(snapshot.DocRecords);
        Array.Sort(docRows);
        var docCount = Deduplicate(docRows);

        // The resident tables are built on another core while SQLite writes; they are swapped in only after the commit.
        Task<(ColorTable Codes, ColorTable Documents)>? building = _table is not null || _settings.LoadResident
            ? Task.Run(() => (ColorTable.FromDistinctRows(rows.AsSpan(0, count)), ColorTable.FromDistinctRows(docRows.AsSpan(0, docCount))))
            : null;
        using (var tx = BeginWrite())
        {
            ReplaceRows(tx, Codes, rows.AsSpan(0, count));
            ReplaceRows(tx, Documents, docRows.AsSpan(0, docCount));
            Exec(tx, "DELETE FROM issuers");
            using (var insertIssuer = Command(tx, "INSERT INTO issuers(idx, name) VALUES ($idx, $name)"))
            {
                var pIdx = insertIssuer.Parameters.Add("$idx", SqliteType.Integer);
                var pName = insertIssuer.Parameters.Add("$name", SqliteType.Text);
                for (var i = 0; i < names.Count; i++)
                {
                    pIdx.Value = i;
                    pName.Value = names[i];
                    insertIssuer.ExecuteNonQuery();
                }
            }

            using (var dropPending = Command(tx, "DELETE FROM pending WHERE seq <= $seq"))
            {
                dropPending.Parameters.AddWithValue("$seq", unchecked((long)snapshot.Seq));
                dropPending.ExecuteNonQuery();
            }

            WriteState(tx, next, count, docCount);
            tx.Commit();
        }

        if (building is not null)
        {
            var (table, docTable) = building.GetAwaiter().GetResult();
            lock (_tableLock)
            {
                _table = table;
                _docTable = docTable;
                _issuerIndex = index;
                _issuerNames = names;
            }
        }

        Interlocked.Exchange(ref _recordCount, count);
        Interlocked.Exchange(ref _docRecordCount, docCount);
        _pendingCount = CountPending();
        Publish(next);
    }

    /// <summary>Upserts the batch's records and document records (per record, the larger ct wins; on equal ct the more
    /// severe color) and writes <paramref name="next"/>, in one transaction.
    /// The batch's own seq is removed from the gap batches in the same transaction.</summary>
    /// <exception cref="InvalidOperationException">The batch would exceed the store's issuer limit (nothing is applied).</exception>
    public void ApplyBatch(BatchMessage batch, ColorFeedState next)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(next);

        Dictionary<string, ushort> index;
        List<string> names;
        lock (_tableLock)
        {
            index = new Dictionary<string, ushort>(_issuerIndex, StringComparer.Ordinal);
            names = [.. _issuerNames];
        }

        var firstNew = names.Count;
        var rows = ToRows(batch.Records, names, index);
        var docRows = ToRows(batch.DocRecords);
        long added;
        long docAdded;
        using (var tx = BeginWrite())
        {
            using (var insertIssuer = Command(tx, "INSERT INTO issuers(idx, name) VALUES ($idx, $name)"))
            {
                var pIdx = insertIssuer.Parameters.Add("$idx", SqliteType.Integer);
                var pName = insertIssuer.Parameters.Add("$name", SqliteType.Text);
                for (var i = firstNew; i < names.Count; i++)
                {
                    pIdx.Value = i;
                    pName.Value = names[i];
                    insertIssuer.ExecuteNonQuery();
                }
            }

            added = UpsertRows(tx, Codes, rows);
            docAdded = UpsertRows(tx, Documents, docRows);
            using (var dropPending = Command(tx, "DELETE FROM pending WHERE seq <= $seq"))
            {
                dropPending.Parameters.AddWithValue("$seq", unchecked((long)batch.Seq));
                dropPending.ExecuteNonQuery();
            }

            WriteState(tx, next, RecordCount + added, DocumentRecordCount + docAdded);
            tx.Commit();
        }

        if (_table is not null)
        {
            lock (_tableLock)
            {
                var table = _table;
                foreach (var row in rows)
                {
                    table.Upsert(row);
                }

                var docTable = _docTable!;
                foreach (var row in docRows)
                {
                    docTable.Upsert(row);
                }

                _issuerIndex = index;
                _issuerNames = names;
            }
        }
        else
        {
            _issuerIndex = index;
            _issuerNames = names;
        }

        Interlocked.Add(ref _recordCount, added);
        Interlocked.Add(ref _docRecordCount, docAdded);
        _pendingCount = CountPending();
        Publish(next);
    }

    /// <summary>Writes the bookkeeping alone (heartbeats, ignored messages that still raise the latest signed time).</summary>
    public void SaveState(ColorFeedState next)
    {
        ArgumentNullException.ThrowIfNull(next);
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
        using (var tx = BeginWrite())
        {
            using (var insert = Command(tx, "INSERT OR REPLACE INTO pending(seq, message) VALUES ($seq, $message)"))
            {
                insert.Parameters.AddWithValue("$seq", unchecked((long)seq));
                insert.Parameters.Add("$message", SqliteType.Blob).Value = signedMessage.ToArray();
                insert.ExecuteNonQuery();
            }

            using (var trim = Command(tx, "DELETE FROM pending WHERE seq NOT IN (SELECT seq FROM pending ORDER BY seq LIMIT $max)"))
            {
                trim.Parameters.AddWithValue("$max", _settings.MaxPendingBatches);
                trim.ExecuteNonQuery();
            }

            WriteState(tx, next, RecordCount, DocumentRecordCount);
            tx.Commit();
        }

        _pendingCount = CountPending();
        Publish(next);
    }

    /// <summary>True when a gap batch with this seq is kept aside.</summary>
    public bool HasPending(ulong seq)
    {
        using var cmd = Command(null, "SELECT 1 FROM pending WHERE seq = $seq");
        cmd.Parameters.AddWithValue("$seq", unchecked((long)seq));
        return cmd.ExecuteScalar() is not null;
    }

    /// <summary>The kept-aside batch with this seq (raw signed bytes), if any.</summary>
    public byte[]? ReadPending(ulong seq)
    {
        using var cmd = Command(null, "SELECT message FROM pending WHERE seq = $seq");
        cmd.Parameters.AddWithValue("$seq", unchecked((long)seq));
        return cmd.ExecuteScalar() as byte[];
    }

    /// <summary>Drops one kept-aside batch (it failed to decode or apply when its turn came).</summary>
    public void DropPending(ulong seq)
    {
        using var cmd = Command(null, "DELETE FROM pending WHERE seq = $seq");
        cmd.Parameters.AddWithValue("$seq", unchecked((long)seq));
        cmd.ExecuteNonQuery();
        _pendingCount = CountPending();
    }

    /// <summary>Replaces the signed trust list (raw signed message kept, verified again at open) and writes <paramref name="next"/>.</summary>
    public void ReplaceTrust(TrustList trust, ReadOnlySpan<byte> signedMessage, ColorFeedState next)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(next);
        using (var tx = BeginWrite())
        {
            using (var cmd = Command(tx, "UPDATE state SET trust_message = $message WHERE id = 1"))
            {
                cmd.Parameters.Add("$message", SqliteType.Blob).Value = signedMessage.ToArray();
                cmd.ExecuteNonQuery();
            }

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
        var next = _feedState with { Seq = null, KnownSeq = null, InSyncAsOf = null };
        using (var tx = BeginWrite())
        {
            DeleteColorData(tx);
            WriteState(tx, next, 0, 0);
            tx.Commit();
        }

        lock (_tableLock)
        {
            var resident = _settings.LoadResident || _table is not null;
            _table = resident ? new ColorTable(16) : null;
            _docTable = resident ? new ColorTable(16) : null;
            _issuerIndex = new Dictionary<string, ushort>(StringComparer.Ordinal);
            _issuerNames = [];
        }

        Interlocked.Exchange(ref _recordCount, 0);
        Interlocked.Exchange(ref _docRecordCount, 0);
        _pendingCount = 0;
        Publish(next);
    }

    /// <summary>Reads every record from disk (tests and the crash check: independent of the resident table).</summary>
    public IEnumerable<ColorRecord> ReadAllFromDisk()
    {
        var names = new Dictionary<long, string>();
        using (var cmd = Command(null, "SELECT idx, name FROM issuers"))
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                names[reader.GetInt64(0)] = reader.GetString(1);
            }
        }

        using var select = Command(null, "SELECT issuer, id, color, ct FROM records");
        using var rows = select.ExecuteReader();
        var id = new byte[CodeId.Length];
        while (rows.Read())
        {
            rows.GetBytes(1, 0, id, 0, CodeId.Length);
            yield return new ColorRecord(names[rows.GetInt64(0)], CodeId.FromBytes(id), (HealthColor)rows.GetInt32(2), rows.GetInt64(3));
        }
    }

    /// <summary>Reads every document record from disk (tests and the crash check: independent of the resident table).</summary>
    public IEnumerable<DocumentRecord> ReadAllDocumentsFromDisk()
    {
        using var select = Command(null, "SELECT id, color, ct FROM doc_records");
        using var rows = select.ExecuteReader();
        var id = new byte[DocRef.Length];
        while (rows.Read())
        {
            rows.GetBytes(0, 0, id, 0, DocRef.Length);
            yield return new DocumentRecord(DocRef.FromBytes(id), (HealthColor)rows.GetInt32(1), rows.GetInt64(2));
        }
    }

    /// <summary>Runs SQLite's own integrity check; "ok" when the file is sound.</summary>
    public string IntegrityCheck()
    {
        using var cmd = Command(null, "PRAGMA integrity_check");
        return cmd.ExecuteScalar() as string ?? "no answer";
    }

    public void Dispose()
    {
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
        using (var tx = _db.BeginTransaction())
        {
            Exec(tx, Codes.CreateSql(Codes.Name, ifNotExists: true));
            Exec(tx, Documents.CreateSql(Documents.Name, ifNotExists: true));
            Exec(tx, "CREATE TABLE IF NOT EXISTS issuers(idx INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
            Exec(tx, "CREATE TABLE IF NOT EXISTS pending(seq INTEGER PRIMARY KEY, message BLOB NOT NULL)");
            Exec(tx, """
                CREATE TABLE IF NOT EXISTS state(
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    feed TEXT NOT NULL,
                    seq INTEGER,
                    known_seq INTEGER,
                    in_sync_as_of INTEGER,
                    latest_signed_at INTEGER,
                    record_count INTEGER NOT NULL,
                    trust_at INTEGER,
                    trust_message BLOB,
                    doc_record_count INTEGER NOT NULL DEFAULT 0)
                """);
            using (var hasDocCount = Command(tx, "SELECT COUNT(*) FROM pragma_table_info('state') WHERE name = 'doc_record_count'"))
            {
                if (Convert.ToInt64(hasDocCount.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
                {
                    // A store of schema 1: no document records yet.
                    Exec(tx, "ALTER TABLE state ADD COLUMN doc_record_count INTEGER NOT NULL DEFAULT 0");
                }
            }

            Exec(tx, $"DROP TABLE IF EXISTS {Codes.NewName}");
            Exec(tx, $"DROP TABLE IF EXISTS {Documents.NewName}");
            using (var insert = Command(tx, "INSERT OR IGNORE INTO state(id, feed, record_count) VALUES (1, $feed, 0)"))
            {
                insert.Parameters.AddWithValue("$feed", _settings.Feed);
                insert.ExecuteNonQuery();
            }

            Exec(tx, $"PRAGMA user_version = {SchemaVersion}");
            tx.Commit();
        }

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
            var (state, _, _) = ReadState(tx);
            DeleteColorData(tx);
            using (var setFeed = Command(tx, "UPDATE state SET feed = $feed WHERE id = 1"))
            {
                setFeed.Parameters.AddWithValue("$feed", _settings.Feed);
                setFeed.ExecuteNonQuery();
            }

            WriteState(tx, state with { Seq = null, KnownSeq = null, InSyncAsOf = null }, 0, 0);
            tx.Commit();
        }

        Reload();
    }

    /// <summary>Reads the committed state, issuers and (when resident) both tables again from disk, in one read
    /// transaction. Called at open, and by the processor when another process committed to the same file since this
    /// one last read or wrote it (<see cref="ColorStoreChangedException"/>).</summary>
    public void Reload()
    {
        using var tx = _db.BeginTransaction(deferred: true);
        var version = ReadDataVersion(tx);
        var (state, count, docCount) = ReadState(tx);
        byte[]? trustMessage;
        using (var cmd = Command(tx, "SELECT trust_message FROM state WHERE id = 1"))
        {
            trustMessage = cmd.ExecuteScalar() as byte[];
        }

        TrustList? signedTrust = null;
        if (trustMessage is not null && FeedCodec.Decode(trustMessage, _settings.AuthorityKey).Message is TrustMessage trust)
        {
            signedTrust = trust.Trust;
        }
        else if (state.TrustAt is not null)
        {
            // Signed by a key no longer pinned: fall back to the provisioning list until a new one arrives.
            state = state with { TrustAt = null };
        }

        var (names, index) = LoadIssuers(tx);
        ColorTable? table = null;
        ColorTable? docTable = null;
        if (_settings.LoadResident || _table is not null)
        {
            table = LoadTable(Codes, count);
            count = table.Count;
            docTable = LoadTable(Documents, docCount);
            docCount = docTable.Count;
        }

        var pending = CountPending(tx);
        tx.Commit();
        lock (_tableLock)
        {
            _table = table;
            _docTable = docTable;
            _issuerNames = names;
            _issuerIndex = index;
        }

        _signedTrust = signedTrust;
        Interlocked.Exchange(ref _recordCount, count);
        Interlocked.Exchange(ref _docRecordCount, docCount);
        _pendingCount = pending;
        _dataVersion = version;
        Publish(state);
    }

    /// <summary>Takes the write lock (<c>BEGIN IMMEDIATE</c>; waits up to <see cref="ColorStoreSettings.BusyTimeout"/> for
    /// another process) and checks, inside that transaction, that what is committed is what this instance decided on.
    /// <c>PRAGMA data_version</c> changes only when another connection committed; then the committed state row and
    /// gap-batch count are compared with the in-memory copy, and when they differ the transaction is rolled back and
    /// <see cref="ColorStoreChangedException"/> thrown: the caller reloads and decides again.</summary>
    private SqliteTransaction BeginWrite()
    {
        TestPause.BeforeLock();
        var tx = _db.BeginTransaction(deferred: false);
        try
        {
            TestPause.AfterLock();
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

        var (state, count, docCount) = ReadState(tx);
        if (state != _feedState || count != RecordCount || docCount != DocumentRecordCount || CountPending(tx) != PendingCount)
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

    /// <summary>The committed state row: bookkeeping, record count, document record count.</summary>
    private (ColorFeedState State, long Count, long DocCount) ReadState(SqliteTransaction tx)
    {
        using var cmd = Command(tx, "SELECT seq, known_seq, in_sync_as_of, latest_signed_at, record_count, trust_at, doc_record_count FROM state WHERE id = 1");
        using var reader = cmd.ExecuteReader();
        reader.Read();
        var state = new ColorFeedState(
            reader.IsDBNull(0) ? null : unchecked((ulong)reader.GetInt64(0)),
            reader.IsDBNull(1) ? null : unchecked((ulong)reader.GetInt64(1)),
            Time(reader, 2),
            Time(reader, 3),
            Time(reader, 5));
        return (state, reader.GetInt64(4), reader.GetInt64(6));
    }

    private (List<string> Names, Dictionary<string, ushort> Index) LoadIssuers(SqliteTransaction tx)
    {
        var names = new List<string>();
        var index = new Dictionary<string, ushort>(StringComparer.Ordinal);
        using var cmd = Command(tx, "SELECT idx, name FROM issuers ORDER BY idx");
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var idx = reader.GetInt32(0);
            if (idx != names.Count)
            {
                throw new InvalidDataException("color store: issuer indexes are not dense");
            }

            var name = reader.GetString(1);
            names.Add(name);
            index[name] = (ushort)idx;
        }

        return (names, index);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ColorTable LoadTable(RecordTable source, long expected)
    {
        var table = new ColorTable((int)Math.Min(expected, int.MaxValue / 2));
        var handle = _db.Handle ?? throw new InvalidOperationException("connection not open");
        Check(raw.sqlite3_prepare_v2(handle, $"SELECT {source.Columns} FROM {source.Name}", out var stmt), handle);
        var first = source.ByIssuer ? 1 : 0;
        using (stmt)
        {
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
                var id = raw.sqlite3_column_blob(stmt, first);
                if (id.Length != CodeId.Length)
                {
                    throw new InvalidDataException($"color store: a key of {source.Name} is not 16 bytes");
                }

                var key = CodeId.FromBytes(id);
                var issuer = source.ByIssuer ? (ushort)raw.sqlite3_column_int(stmt, 0) : (ushort)0;
                table.Upsert(new ColorRow(issuer, key.High, key.Low, (HealthColor)raw.sqlite3_column_int(stmt, first + 1), raw.sqlite3_column_int64(stmt, first + 2)));
            }

            Check(rc, handle);
        }

        return table;
    }

    private void Publish(ColorFeedState next)
    {
        _feedState = next;
        _state = new ColorDataState(_settings.Feed, next.Seq, next.InSyncAsOf, next.LatestSignedAt, RecordCount, next.OutOfSync)
        {
            DocumentRecordCount = DocumentRecordCount,
        };
    }

    private int CountPending(SqliteTransaction? tx = null)
    {
        using var cmd = Command(tx, "SELECT COUNT(*) FROM pending");
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void WriteState(SqliteTransaction tx, ColorFeedState next, long recordCount, long docRecordCount)
    {
        using var cmd = Command(tx, """
            UPDATE state SET seq = $seq, known_seq = $known, in_sync_as_of = $insync, latest_signed_at = $signed,
                             record_count = $count, trust_at = $trust, doc_record_count = $docs
            WHERE id = 1
            """);
        cmd.Parameters.AddWithValue("$seq", next.Seq is { } s ? unchecked((long)s) : DBNull.Value);
        cmd.Parameters.AddWithValue("$known", next.KnownSeq is { } k ? unchecked((long)k) : DBNull.Value);
        cmd.Parameters.AddWithValue("$insync", Epoch(next.InSyncAsOf));
        cmd.Parameters.AddWithValue("$signed", Epoch(next.LatestSignedAt));
        cmd.Parameters.AddWithValue("$count", recordCount);
        cmd.Parameters.AddWithValue("$docs", docRecordCount);
        cmd.Parameters.AddWithValue("$trust", Epoch(next.TrustAt));
        cmd.ExecuteNonQuery();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ColorRow[] ToRows(IReadOnlyList<ColorRecord> records, List<string> names, Dictionary<string, ushort> index)
    {
        var rows = new ColorRow[records.Count];
        ReadOnlySpan<ColorRecord> span = records is ColorRecord[] array ? array : records.ToArray();
        string? lastName = null;
        ushort lastIndex = 0;
        for (var i = 0; i < span.Length; i++)
        {
            ref readonly var r = ref span[i];
            if (!ReferenceEquals(r.Issuer, lastName))
            {
                if (!index.TryGetValue(r.Issuer, out lastIndex))
                {
                    if (names.Count > ushort.MaxValue)
                    {
                        throw new InvalidOperationException($"more than {ushort.MaxValue + 1} issuers in the color store");
                    }

                    lastIndex = (ushort)names.Count;
                    names.Add(r.Issuer);
                    index.Add(r.Issuer, lastIndex);
                }

                lastName = r.Issuer;
            }

            rows[i] = new ColorRow(lastIndex, r.Id.High, r.Id.Low, r.Color, r.ColorTime);
        }

        return rows;
    }

    /// <summary>Document records as rows of the one table they fill (issuer 0); none when the message has none.</summary>
    private static ColorRow[] ToRows(IReadOnlyList<DocumentRecord>? records)
    {
        if (records is null)
        {
            return [];
        }

        var rows = new ColorRow[records.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var r = records[i];
            rows[i] = new ColorRow(0, r.DocRef.High, r.DocRef.Low, r.Color, r.ColorTime);
        }

        return rows;
    }

    /// <summary>Collapses equal keys of sorted rows with the merge rule; returns the distinct count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Deduplicate(ColorRow[] rows)
    {
        if (rows.Length == 0)
        {
            return 0;
        }

        var write = 0;
        for (var read = 1; read < rows.Length; read++)
        {
            if (rows[read].SameKey(rows[write]))
            {
                rows[write] = ColorRow.Newer(rows[write], rows[read]);
            }
            else
            {
                rows[++write] = rows[read];
            }
        }

        return write + 1;
    }

    /// <summary>Bulk insert of sorted rows: statements prepared once (32 rows per statement, then single rows),
    /// parameters re-bound through SQLitePCLRaw (the layer under Microsoft.Data.Sqlite) inside the open transaction;
    /// sorted keys append to the B-tree.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InsertSorted(RecordTable target, string table, ReadOnlySpan<ColorRow> rows)
    {
        const int PerStatement = 32;
        var handle = _db.Handle ?? throw new InvalidOperationException("connection not open");
        var columns = target.ColumnCount;
        var full = rows.Length / PerStatement;
        Span<byte> id = stackalloc byte[CodeId.Length];
        if (full > 0)
        {
            var values = string.Join(", ", Enumerable.Range(0, PerStatement).Select(j => Placeholders((j * columns) + 1, columns)));
            Check(raw.sqlite3_prepare_v2(handle, $"INSERT INTO {table}({target.Columns}) VALUES {values}", out var many), handle);
            using (many)
            {
                for (var n = 0; n < full; n++)
                {
                    var chunk = rows.Slice(n * PerStatement, PerStatement);
                    for (var j = 0; j < PerStatement; j++)
                    {
                        Bind(many, (j * columns) + 1, chunk[j], id, target.ByIssuer);
                    }

                    Step(many, handle);
                }
            }
        }

        Check(raw.sqlite3_prepare_v2(handle, $"INSERT INTO {table}({target.Columns}) VALUES {Placeholders(1, columns)}", out var one), handle);
        using (one)
        {
            foreach (ref readonly var row in rows[(full * PerStatement)..])
            {
                Bind(one, 1, row, id, target.ByIssuer);
                Step(one, handle);
            }
        }

        static string Placeholders(int first, int count) => "(" + string.Join(", ", Enumerable.Range(first, count).Select(i => $"?{i}")) + ")";
    }

    private static void Bind(sqlite3_stmt stmt, int first, in ColorRow row, Span<byte> id, bool withIssuer)
    {
        new CodeId(row.High, row.Low).WriteTo(id);
        if (withIssuer)
        {
            raw.sqlite3_bind_int(stmt, first++, row.Issuer);
        }

        raw.sqlite3_bind_blob(stmt, first, id);
        raw.sqlite3_bind_int(stmt, first + 1, (int)row.Color);
        raw.sqlite3_bind_int64(stmt, first + 2, row.ColorTime);
    }

    /// <summary>Replaces the rows of <paramref name="target"/> with sorted distinct <paramref name="rows"/>: a new table filled
    /// in key order, then swapped in by name, inside the caller's transaction.</summary>
    private void ReplaceRows(SqliteTransaction tx, RecordTable target, ReadOnlySpan<ColorRow> rows)
    {
        Exec(tx, $"DROP TABLE IF EXISTS {target.NewName}");
        Exec(tx, target.CreateSql(target.NewName, ifNotExists: false));
        InsertSorted(target, target.NewName, rows);
        Exec(tx, $"DROP TABLE {target.Name}");
        Exec(tx, $"ALTER TABLE {target.NewName} RENAME TO {target.Name}");
    }

    /// <summary>Upserts rows into <paramref name="target"/> with the merge rule of <see cref="ColorRow.Newer"/>; returns how many were new.</summary>
    private long UpsertRows(SqliteTransaction tx, RecordTable target, ColorRow[] rows)
    {
        if (rows.Length == 0)
        {
            return 0;
        }

        var key = target.ByIssuer ? "issuer = $i AND id = $id" : "id = $id";
        using var insert = Command(tx, $"INSERT OR IGNORE INTO {target.Name}({target.Columns}) VALUES ({(target.ByIssuer ? "$i, " : "")}$id, $c, $ct)");
        using var update = Command(tx, $"UPDATE {target.Name} SET color = $c, ct = $ct WHERE {key} AND (ct < $ct OR (ct = $ct AND color < $c))");
        var ins = BindRow(insert, target.ByIssuer);
        var upd = BindRow(update, target.ByIssuer);
        var id = new byte[CodeId.Length];
        long added = 0;
        foreach (var row in rows)
        {
            Set(ins, row, id);
            if (insert.ExecuteNonQuery() == 1)
            {
                added++;
                continue;
            }

            Set(upd, row, id);
            update.ExecuteNonQuery();
        }

        return added;
    }

    /// <summary>Empties the color data: records, document records, issuer names and gap batches.</summary>
    private void DeleteColorData(SqliteTransaction tx)
    {
        Exec(tx, $"DELETE FROM {Codes.Name}");
        Exec(tx, $"DELETE FROM {Documents.Name}");
        Exec(tx, "DELETE FROM issuers");
        Exec(tx, "DELETE FROM pending");
    }

    private static void Step(sqlite3_stmt stmt, sqlite3 handle)
    {
        var rc = raw.sqlite3_step(stmt);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc, handle);
        }

        raw.sqlite3_reset(stmt);
    }

    private static void Check(int rc, sqlite3 handle)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errmsg(handle).utf8_to_string()}", rc);
        }
    }

    private static RowParameters BindRow(SqliteCommand cmd, bool withIssuer) => new(
        withIssuer ? cmd.Parameters.Add("$i", SqliteType.Integer) : null,
        cmd.Parameters.Add("$id", SqliteType.Blob),
        cmd.Parameters.Add("$c", SqliteType.Integer),
        cmd.Parameters.Add("$ct", SqliteType.Integer));

    private static void Set(in RowParameters p, in ColorRow row, byte[] id)
    {
        new CodeId(row.High, row.Low).WriteTo(id);
        p.Issuer?.Value = (int)row.Issuer;
        p.Id.Value = id;
        p.Color.Value = (int)row.Color;
        p.ColorTime.Value = row.ColorTime;
    }

    private SqliteCommand Command(SqliteTransaction? tx, string sql)
    {
        var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private void Exec(SqliteTransaction? tx, string sql)
    {
        using var cmd = Command(tx, sql);
        cmd.ExecuteNonQuery();
    }

    private static object Epoch(DateTimeOffset? time) => time is { } t ? t.ToUnixTimeSeconds() : DBNull.Value;

    private static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(ordinal));

    [StructLayout(LayoutKind.Auto)]
    private readonly record struct RowParameters(SqliteParameter? Issuer, SqliteParameter Id, SqliteParameter Color, SqliteParameter ColorTime);

    /// <summary>One of the two tables of colors: code records keyed by (issuer, id), document records keyed by docRef.
    /// Both hold 16-byte keys, a color and a ct, and follow the same merge rule.</summary>
    private sealed record RecordTable(string Name, bool ByIssuer)
    {
        /// <summary>The table a snapshot fills before it is swapped in.</summary>
        public string NewName => Name + "_new";

        public string Columns => ByIssuer ? "issuer, id, color, ct" : "id, color, ct";

        public int ColumnCount => ByIssuer ? 4 : 3;

        public string CreateSql(string table, bool ifNotExists) =>
            $"CREATE TABLE {(ifNotExists ? "IF NOT EXISTS " : "")}{table}" + (ByIssuer
                ? "(issuer INTEGER NOT NULL, id BLOB NOT NULL, color INTEGER NOT NULL, ct INTEGER NOT NULL, PRIMARY KEY (issuer, id)) WITHOUT ROWID"
                : "(id BLOB NOT NULL PRIMARY KEY, color INTEGER NOT NULL, ct INTEGER NOT NULL) WITHOUT ROWID");
    }
}
