using System.Runtime.CompilerServices;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Kiosk.Colors;

/// <summary>
/// One snapshot being loaded (<see cref="ColorStore.BeginSnapshotLoad"/>): its rows stream, in the feed's key order,
/// into a fresh generation file beside the store (SQLite, <c>WITHOUT ROWID</c>, no journal and no sync while it fills:
/// the file is not part of the state until <see cref="Commit"/> names it). Lookups and the rest of the store keep
/// the current state meanwhile. <see cref="Commit"/> makes the file durable (fsync of file and directory) and then
/// switches to it in one commit of the main database; <see cref="Dispose"/> without it deletes the file. Memory is
/// bounded: a few hundred rows buffered, SQLite's page cache of <see cref="CachePages"/> pages.
/// </summary>
public sealed class SnapshotLoad : IDisposable
{
    internal const int CachePages = 2048;
    private const int PerStatement = 64;

    private readonly ColorStore _store;
    private readonly SqliteConnection _db;
    private readonly FileStream _lock;
    private readonly sqlite3_stmt _insertCodes;
    private readonly sqlite3_stmt _insertDocuments;
    private readonly sqlite3_stmt _insertCode;
    private readonly sqlite3_stmt _insertDocument;
    private readonly List<string> _issuerNames = [];
    private readonly Dictionary<string, int> _issuerIndex = new(StringComparer.Ordinal);
    private readonly Row[] _buffer = new Row[PerStatement];
    private readonly byte[] _key = new byte[CodeId.Length];
    private int _buffered;
    private bool _bufferHoldsDocuments;
    private ColorRecord? _lastRecord;
    private DocumentRecord? _lastDocument;
    private bool _documentsBegan;
    private bool _closed;

    internal SnapshotLoad(ColorStore store, ulong seq, string generationName, string generationPath)
    {
        _store = store;
        Seq = seq;
        GenerationName = generationName;
        GenerationPath = generationPath;
        _lock = StoreFiles.LockForBuilding(generationPath);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = generationPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            _db.Open();
            foreach (var pragma in new[]
            {
                "PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA locking_mode = EXCLUSIVE",
                $"PRAGMA cache_size = {CachePages}", "PRAGMA temp_store = MEMORY",
            })
            {
                SqliteCommands.Exec(_db, null, pragma);
            }

            SqliteCommands.Exec(_db, null, GenerationSchema.Sql);
            SqliteCommands.Exec(_db, null, "BEGIN");
            var handle = _db.Handle!;
            _insertCodes = Prepare(handle, InsertSql("records", "id, issuer, color, ct", 4, PerStatement));
            _insertDocuments = Prepare(handle, InsertSql("doc_records", "id, color, ct", 3, PerStatement));
            _insertCode = Prepare(handle, InsertSql("records", "id, issuer, color, ct", 4, 1));
            _insertDocument = Prepare(handle, InsertSql("doc_records", "id, color, ct", 3, 1));
        }
        catch
        {
            _db.Dispose();
            StoreFiles.DeleteGeneration(generationPath);
            StoreFiles.ReleaseBuilding(_lock);
            throw;
        }
    }

    /// <summary>The seq of the snapshot being loaded.</summary>
    public ulong Seq { get; }

    /// <summary>The commit may take the store below its seq (a fleet <c>resync</c>, <see cref="ColorStore.BeginSnapshotLoad"/>).</summary>
    public bool AnySeq { get; init; }

    /// <summary>Code records added so far.</summary>
    public long RecordCount { get; private set; }

    /// <summary>Document records added so far.</summary>
    public long DocumentRecordCount { get; private set; }

    internal string GenerationName { get; }

    internal string GenerationPath { get; }

    internal IReadOnlyList<string> IssuerNames => _issuerNames;

    /// <summary>Adds code records: keys strictly ascending in the feed's order (id, then issuer), across calls too, and
    /// all before the first document record (the caller has checked them; a violation throws, and the load should then
    /// be disposed).</summary>
    /// <exception cref="ArgumentException">A key is not above the previous one.</exception>
    /// <exception cref="InvalidOperationException">Document records were already added, or the load is closed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRecords(ReadOnlySpan<ColorRecord> records)
    {
        ThrowIfClosed();
        if (records.IsEmpty)
        {
            return; // a part holding only document records
        }

        if (_documentsBegan)
        {
            throw new InvalidOperationException("code records after document records");
        }

        foreach (ref readonly var r in records)
        {
            if (_lastRecord is { } last && FeedKeyOrder.Compare(last, r) >= 0)
            {
                throw new ArgumentException("code records out of the feed's key order or repeated", nameof(records));
            }

            if (!_issuerIndex.TryGetValue(r.Issuer, out var issuer))
            {
                if (_issuerNames.Count > ushort.MaxValue)
                {
                    throw new ArgumentException($"more than {ushort.MaxValue + 1} issuers in one snapshot", nameof(records));
                }

                issuer = _issuerNames.Count;
                _issuerNames.Add(r.Issuer);
                _issuerIndex.Add(r.Issuer, issuer);
            }

            _lastRecord = r;
            _buffer[_buffered++] = new Row(r.Id.High, r.Id.Low, issuer, r.Color, r.ColorTime);
            RecordCount++;
            if (_buffered == PerStatement)
            {
                Flush();
            }
        }
    }

    /// <summary>Adds document records: docRefs strictly ascending, across calls too.</summary>
    /// <exception cref="ArgumentException">A docRef is not above the previous one.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddDocuments(ReadOnlySpan<DocumentRecord> records)
    {
        ThrowIfClosed();
        if (records.IsEmpty)
        {
            return; // a part holding only code records: the code records may go on
        }

        if (!_documentsBegan)
        {
            Flush();
            _documentsBegan = true;
            _bufferHoldsDocuments = true;
        }

        foreach (ref readonly var r in records)
        {
            if (_lastDocument is { } last && FeedKeyOrder.Compare(last, r) >= 0)
            {
                throw new ArgumentException("document records out of the feed's key order or repeated", nameof(records));
            }

            _lastDocument = r;
            _buffer[_buffered++] = new Row(r.DocRef.High, r.DocRef.Low, 0, r.Color, r.ColorTime);
            DocumentRecordCount++;
            if (_buffered == PerStatement)
            {
                Flush();
            }
        }
    }

    /// <summary>Switches the store to this snapshot and writes <paramref name="next"/>, atomically (after a power cut at
    /// any instant the store holds the state before or after, never a mix): the generation file is completed and synced,
    /// then one commit of the main database names it, empties the changes kept since the previous snapshot, drops the
    /// kept-aside gap batches up to <see cref="Seq"/> and writes the state; the previous generation file is deleted.</summary>
    /// <exception cref="InvalidOperationException">The store's seq is already above <see cref="Seq"/> (nothing changes; dispose the load).</exception>
    /// <exception cref="ColorStoreChangedException">Another process changed the store meanwhile (nothing changes).</exception>
    public void Commit(ColorFeedState next)
    {
        ArgumentNullException.ThrowIfNull(next);
        ThrowIfClosed();
        Flush();
        using (var issuers = SqliteCommands.Command(_db, null, "INSERT INTO issuers(idx, name) VALUES ($idx, $name)"))
        {
            var pIdx = issuers.Parameters.Add("$idx", SqliteType.Integer);
            var pName = issuers.Parameters.Add("$name", SqliteType.Text);
            for (var i = 0; i < _issuerNames.Count; i++)
            {
                pIdx.Value = i;
                pName.Value = _issuerNames[i];
                issuers.ExecuteNonQuery();
            }
        }

        using (var meta = SqliteCommands.Command(_db, null, "INSERT INTO meta(id, seq, records, doc_records) VALUES (1, $seq, $records, $docs)"))
        {
            meta.Parameters.AddWithValue("$seq", unchecked((long)Seq));
            meta.Parameters.AddWithValue("$records", RecordCount);
            meta.Parameters.AddWithValue("$docs", DocumentRecordCount);
            meta.ExecuteNonQuery();
        }

        SqliteCommands.Exec(_db, null, "COMMIT");
        CloseConnection();
        StoreFiles.Sync(GenerationPath);
        _store.CommitGeneration(this, next);
        _closed = true;
        StoreFiles.ReleaseBuilding(_lock);
    }

    /// <summary>Abandons the load unless it was committed: the generation file is deleted, the store untouched.</summary>
    public void Dispose()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        CloseConnection();
        StoreFiles.DeleteGeneration(GenerationPath);
        StoreFiles.ReleaseBuilding(_lock);
        _store.LoadEnded(this);
    }

    private void Flush()
    {
        if (_buffered == 0)
        {
            return;
        }

        var handle = _db.Handle!;
        var documents = _bufferHoldsDocuments;
        if (_buffered == PerStatement)
        {
            var stmt = documents ? _insertDocuments : _insertCodes;
            var p = 1;
            for (var j = 0; j < PerStatement; j++)
            {
                p = Bind(stmt, p, _buffer[j], documents);
            }

            Step(stmt, handle);
        }
        else
        {
            var stmt = documents ? _insertDocument : _insertCode;
            for (var j = 0; j < _buffered; j++)
            {
                Bind(stmt, 1, _buffer[j], documents);
                Step(stmt, handle);
            }
        }

        _buffered = 0;
    }

    private int Bind(sqlite3_stmt stmt, int p, in Row row, bool document)
    {
        new CodeId(row.High, row.Low).WriteTo(_key);
        raw.sqlite3_bind_blob(stmt, p++, _key);
        if (!document)
        {
            raw.sqlite3_bind_int(stmt, p++, row.Issuer);
        }

        raw.sqlite3_bind_int(stmt, p++, (int)row.Color);
        raw.sqlite3_bind_int64(stmt, p++, row.ColorTime);
        return p;
    }

    private static void Step(sqlite3_stmt stmt, sqlite3 handle)
    {
        var rc = raw.sqlite3_step(stmt);
        raw.sqlite3_reset(stmt);
        if (rc != raw.SQLITE_DONE)
        {
            ColorRowWriter.Check(rc, handle);
        }
    }

    private void CloseConnection()
    {
        _insertCodes.Dispose();
        _insertDocuments.Dispose();
        _insertCode.Dispose();
        _insertDocument.Dispose();
        _db.Dispose();
    }

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_closed, this);

    private static string InsertSql(string table, string columns, int columnCount, int rows)
    {
        var values = string.Join(", ", Enumerable.Range(0, rows).Select(j => "(" + string.Join(", ", Enumerable.Range((j * columnCount) + 1, columnCount).Select(i => $"?{i}")) + ")"));
        return $"INSERT INTO {table}({columns}) VALUES {values}";
    }

    private static sqlite3_stmt Prepare(sqlite3 handle, string sql)
    {
        ColorRowWriter.Check(raw.sqlite3_prepare_v3(handle, sql, raw.SQLITE_PREPARE_PERSISTENT, out var stmt), handle);
        return stmt;
    }

    private readonly record struct Row(ulong High, ulong Low, int Issuer, HealthColor Color, long ColorTime);
}

/// <summary>The tables of a generation file: the base records of one snapshot, its issuer names and its counts.</summary>
internal static class GenerationSchema
{
    public const string Sql = """
        CREATE TABLE records(id BLOB NOT NULL, issuer INTEGER NOT NULL, color INTEGER NOT NULL, ct INTEGER NOT NULL, PRIMARY KEY (id, issuer)) WITHOUT ROWID;
        CREATE TABLE doc_records(id BLOB NOT NULL PRIMARY KEY, color INTEGER NOT NULL, ct INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE issuers(idx INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE meta(id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, records INTEGER NOT NULL, doc_records INTEGER NOT NULL);
        """;
}
