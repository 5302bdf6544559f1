using System.Runtime.CompilerServices;
using HealthCode.Formats;
using HealthCode.Formats.Identity;
using Kiosk.Core.Checkpoint;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Kiosk.Colors;

/// <summary>
/// The durable local copy of the color feed: SQLite (WAL, synchronous=FULL) for durability, resident
/// <see cref="ColorTable"/>s for lookups: one for the code records, one for the document records (people known by ID
/// card, identity.md). Every message is applied in one SQLite transaction that covers both, so after a crash
/// or power cut the store holds the state before or after a message, never a mix (color-feed.md rule 7).
/// Lookups and <see cref="State"/> are thread-safe; the write methods are called by one writer at a time
/// (<see cref="ColorFeedProcessor"/> serialises them). Other processes may write the same file (a technician's
/// <c>kiosk colors import</c> beside the service): every write takes SQLite's write lock first and throws
/// <see cref="ColorStoreChangedException"/> when the committed state is no longer the one in memory.
/// This class owns the connection, the transactions and the memory; its parts work inside its transactions:
/// <see cref="ColorStoreSchema"/> (tables), <see cref="ColorRows"/> and <see cref="ColorRowWriter"/> (the bulk writer),
/// <see cref="PendingBatches"/> (gap batches kept aside), <see cref="SignedTrustMessage"/> (the trust list).
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

    /// <summary>The database file (the manifest fetch stages its parts in a folder next to it).</summary>
    public string DatabasePath => _settings.DatabasePath;

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
        var rows = ColorRows.ToRows(snapshot.Records, names, index);
        Array.Sort(rows);
        var count = ColorRows.Deduplicate(rows);
        var docRows = ColorRows.ToRows(snapshot.DocRecords);
        Array.Sort(docRows);
        var docCount = ColorRows.Deduplicate(docRows);

        // The resident tables are built on another core while SQLite writes; they are swapped in only after the commit.
        Task<(ColorTable Codes, ColorTable Documents)>? building = _table is not null || _settings.LoadResident
            ? Task.Run(() => (ColorTable.FromDistinctRows(rows.AsSpan(0, count)), ColorTable.FromDistinctRows(docRows.AsSpan(0, docCount))))
            : null;
        using (var tx = BeginWrite())
        {
            ColorRowWriter.ReplaceRows(_db, tx, Codes, rows.AsSpan(0, count));
            ColorRowWriter.ReplaceRows(_db, tx, Documents, docRows.AsSpan(0, docCount));
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
            InstallTables(table, docTable, index, names);
        }

        SetCounts(count, docCount);
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
        var rows = ColorRows.ToRows(batch.Records, names, index);
        var docRows = ColorRows.ToRows(batch.DocRecords);
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

            added = ColorRowWriter.UpsertRows(_db, tx, Codes, rows);
            docAdded = ColorRowWriter.UpsertRows(_db, tx, Documents, docRows);
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
        var signedTrust = SignedTrustMessage.Load(_db, tx, _settings.AuthorityKey);
        if (signedTrust is null && state.TrustAt is not null)
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
        InstallTables(table, docTable, index, names);
        _signedTrust = signedTrust;
        SetCounts(count, docCount);
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
        ColorRowWriter.Check(raw.sqlite3_prepare_v2(handle, $"SELECT {source.Columns} FROM {source.Name}", out var stmt), handle);
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

            ColorRowWriter.Check(rc, handle);
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

    private int CountPending(SqliteTransaction? tx = null) => PendingBatches.Count(_db, tx);

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

    /// <summary>Empties the color data: records, document records, issuer names and gap batches.</summary>
    private void DeleteColorData(SqliteTransaction tx)
    {
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

    /// <summary>Puts built tables and their issuer index in place for lookups, all four under the table lock.</summary>
    private void InstallTables(ColorTable? table, ColorTable? docTable, Dictionary<string, ushort> index, List<string> names)
    {
        lock (_tableLock)
        {
            _table = table;
            _docTable = docTable;
            _issuerIndex = index;
            _issuerNames = names;
        }
    }

    /// <summary>The record counts the status reports.</summary>
    private void SetCounts(long count, long docCount)
    {
        Interlocked.Exchange(ref _recordCount, count);
        Interlocked.Exchange(ref _docRecordCount, docCount);
    }
}
