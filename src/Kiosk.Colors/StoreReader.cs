using System.Text;
using HealthCode.Formats;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Kiosk.Colors;

/// <summary>
/// Lookups served from the files (no resident table): a read-only connection to the main database (WAL: it reads the
/// last committed state while a writer works) for the changes since the snapshot (the delta tables) and one to the
/// current generation file (the snapshot's base records, opened <c>immutable</c> and memory-mapped: no locks, no read
/// calls), with prepared statements. Each lookup is one statement on the main database, so one read transaction: it
/// returns the generation the committed state names together with the delta's row, and when the generation is not the
/// one open (this process's writer or another process switched) that file is opened before the base is read. A lookup
/// thus sees one committed state: delta and base of the same commit. Thread-safe (one lock).
/// </summary>
internal sealed class StoreReader : IDisposable
{
    private const string DeltaCodeSql = "SELECT s.generation, r.color, r.ct FROM state s LEFT JOIN records r ON r.issuer = (SELECT idx FROM issuers WHERE name = ?1) AND r.id = ?2 WHERE s.id = 1";
    private const string DeltaDocumentSql = "SELECT s.generation, r.color, r.ct FROM state s LEFT JOIN doc_records r ON r.id = ?1 WHERE s.id = 1";

    // The base is mapped rather than read: lookups touch a few pages of a file of up to a few GB. Mapped pages are the
    // page cache's (RssFile), not the process's anonymous memory.
    private const long MapBytes = 4L << 30;
    private const string BaseCodeSql = "SELECT color, ct FROM records WHERE id = ?2 AND issuer = (SELECT idx FROM issuers WHERE name = ?1)";
    private const string BaseDocumentSql = "SELECT color, ct FROM doc_records WHERE id = ?1";

    private readonly Lock _lock = new();
    private readonly string _databasePath;
    private readonly SqliteConnection _main;
    private readonly sqlite3_stmt _generation;
    private readonly sqlite3_stmt _deltaCode;
    private readonly sqlite3_stmt _deltaDocument;
    private SqliteConnection? _base;
    private sqlite3_stmt? _baseCode;
    private sqlite3_stmt? _baseDocument;
    private byte[]? _baseNameUtf8;
    private bool _disposed;

    public StoreReader(string databasePath)
    {
        _databasePath = databasePath;
        _main = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        _main.Open();
        var handle = _main.Handle!;
        _generation = Prepare(handle, "SELECT generation FROM state WHERE id = 1");
        _deltaCode = Prepare(handle, DeltaCodeSql);
        _deltaDocument = Prepare(handle, DeltaDocumentSql);
    }

    /// <summary>The code record as committed (delta first, then base).</summary>
    public bool TryLookup(string issuer, CodeId id, out HealthColor color, out long colorTime)
    {
        Span<byte> key = stackalloc byte[CodeId.Length];
        id.WriteTo(key);
        var name = Encoding.UTF8.GetBytes(issuer);
        lock (_lock)
        {
            try
            {
                return Read(true, name, key, out color, out colorTime);
            }
            catch (FileNotFoundException)
            {
                // Another process switched generations and deleted the file this statement's snapshot named: read again.
                return Read(true, name, key, out color, out colorTime);
            }
        }
    }

    /// <summary>The document record as committed (delta first, then base).</summary>
    public bool TryLookupDocument(ReadOnlySpan<byte> docRef, out HealthColor color, out long colorTime)
    {
        lock (_lock)
        {
            try
            {
                return Read(false, default, docRef, out color, out colorTime);
            }
            catch (FileNotFoundException)
            {
                return Read(false, default, docRef, out color, out colorTime);
            }
        }
    }

    /// <summary>Opens the generation the committed state names, if another is open (the writer, before it merges a
    /// batch under the write lock: the generation cannot change until it commits).</summary>
    public void FollowCommitted()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Refresh();
        }
    }

    /// <summary>
    /// Switches lookups to the generation file a commit of this store has just named (<see cref="ColorStore"/>'s snapshot
    /// switch, on the loader's thread): the new file is opened before the lock and the old one closed after it, so a lookup
    /// meanwhile waits for neither, and the first lookup after the switch does not pay for them either (closing the last
    /// mapping of a generation file of a hundred MB that is then deleted cost a decision 50-70 ms on ext4).
    /// </summary>
    public void SwitchTo(string name)
    {
        var opened = OpenConnection(name);
        var nameUtf8 = Encoding.UTF8.GetBytes(name);
        (SqliteConnection? Connection, sqlite3_stmt? Code, sqlite3_stmt? Document) old;
        lock (_lock)
        {
            if (_disposed)
            {
                old = opened;
            }
            else
            {
                old = (_base, _baseCode, _baseDocument);
                (_base, _baseCode, _baseDocument) = opened;
                _baseNameUtf8 = nameUtf8;
            }
        }

        Close(old);
    }

    /// <summary>The base record alone, from the generation open (the writer merging a batch, after
    /// <see cref="FollowCommitted"/>: it reads the delta inside its own transaction).</summary>
    public bool TryLookupBase(bool code, ReadOnlySpan<byte> issuerUtf8, ReadOnlySpan<byte> key, out HealthColor color, out long colorTime)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ReadBase(code, issuerUtf8, key, out color, out colorTime);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CloseBase();
            foreach (var stmt in new[] { _generation, _deltaCode, _deltaDocument })
            {
                stmt.Dispose();
            }

            _main.Dispose();
        }
    }

    private bool Read(bool code, ReadOnlySpan<byte> issuerUtf8, ReadOnlySpan<byte> key, out HealthColor color, out long colorTime)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var handle = _main.Handle!;
        var delta = code ? _deltaCode : _deltaDocument;
        try
        {
            if (code)
            {
                raw.sqlite3_bind_text(delta, 1, issuerUtf8);
                raw.sqlite3_bind_blob(delta, 2, key);
            }
            else
            {
                raw.sqlite3_bind_blob(delta, 1, key);
            }

            var rc = raw.sqlite3_step(delta);
            if (rc != raw.SQLITE_ROW)
            {
                ColorRowWriter.Check(rc, handle);
                throw new InvalidDataException("color store: no state row");
            }

            if (raw.sqlite3_column_type(delta, 1) != raw.SQLITE_NULL)
            {
                color = (HealthColor)raw.sqlite3_column_int(delta, 1);
                colorTime = raw.sqlite3_column_int64(delta, 2);
                return true;
            }

            Follow(raw.sqlite3_column_type(delta, 0) == raw.SQLITE_NULL ? default : raw.sqlite3_column_blob(delta, 0), raw.sqlite3_column_type(delta, 0) == raw.SQLITE_NULL);
        }
        finally
        {
            raw.sqlite3_reset(delta);
        }

        return ReadBase(code, issuerUtf8, key, out color, out colorTime);
    }

    private bool ReadBase(bool code, ReadOnlySpan<byte> issuerUtf8, ReadOnlySpan<byte> key, out HealthColor color, out long colorTime)
    {
        color = default;
        colorTime = default;
        if (_base is null)
        {
            return false;
        }

        var stmt = code ? _baseCode! : _baseDocument!;
        try
        {
            if (code)
            {
                raw.sqlite3_bind_text(stmt, 1, issuerUtf8);
                raw.sqlite3_bind_blob(stmt, 2, key);
            }
            else
            {
                raw.sqlite3_bind_blob(stmt, 1, key);
            }

            var rc = raw.sqlite3_step(stmt);
            if (rc == raw.SQLITE_ROW)
            {
                color = (HealthColor)raw.sqlite3_column_int(stmt, 0);
                colorTime = raw.sqlite3_column_int64(stmt, 1);
                return true;
            }

            ColorRowWriter.Check(rc, _base.Handle!);
            return false;
        }
        finally
        {
            raw.sqlite3_reset(stmt);
        }
    }

    /// <summary>Reads the generation the committed state names (its own read transaction) and follows it.</summary>
    private void Refresh()
    {
        var handle = _main.Handle!;
        try
        {
            ColorRowWriter.Check(raw.sqlite3_step(_generation), handle);
            var isNull = raw.sqlite3_column_type(_generation, 0) == raw.SQLITE_NULL;
            Follow(isNull ? default : raw.sqlite3_column_blob(_generation, 0), isNull);
        }
        finally
        {
            raw.sqlite3_reset(_generation);
        }
    }

    /// <summary>Makes the open base the named generation's (none when <paramref name="none"/>).</summary>
    private void Follow(ReadOnlySpan<byte> nameUtf8, bool none)
    {
        if (none)
        {
            if (_base is not null)
            {
                CloseBase();
            }

            return;
        }

        if (_base is not null && nameUtf8.SequenceEqual(_baseNameUtf8))
        {
            return;
        }

        CloseBase();
        OpenBase(Encoding.UTF8.GetString(nameUtf8));
    }

    private void OpenBase(string name)
    {
        (_base, _baseCode, _baseDocument) = OpenConnection(name);
        _baseNameUtf8 = Encoding.UTF8.GetBytes(name);
    }

    private (SqliteConnection Connection, sqlite3_stmt Code, sqlite3_stmt Document) OpenConnection(string name)
    {
        var path = StoreFiles.PathOf(_databasePath, name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("color store: the generation file its state names is missing");
        }

        var uri = "file:" + path.Replace("%", "%25", StringComparison.Ordinal).Replace("?", "%3f", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal) + "?immutable=1";
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = uri, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        sqlite3_stmt? code = null;
        try
        {
            connection.Open();
            SqliteCommands.Exec(connection, null, $"PRAGMA mmap_size = {MapBytes}");
            code = Prepare(connection.Handle!, BaseCodeSql);
            return (connection, code, Prepare(connection.Handle!, BaseDocumentSql));
        }
        catch
        {
            code?.Dispose();
            connection.Dispose();
            throw;
        }
    }

    private void CloseBase()
    {
        Close((_base, _baseCode, _baseDocument));
        _baseCode = null;
        _baseDocument = null;
        _base = null;
        _baseNameUtf8 = null;
    }

    private static void Close((SqliteConnection? Connection, sqlite3_stmt? Code, sqlite3_stmt? Document) opened)
    {
        opened.Code?.Dispose();
        opened.Document?.Dispose();
        opened.Connection?.Dispose();
    }

    private static sqlite3_stmt Prepare(sqlite3 handle, string sql)
    {
        ColorRowWriter.Check(raw.sqlite3_prepare_v3(handle, sql, raw.SQLITE_PREPARE_PERSISTENT, out var stmt), handle);
        return stmt;
    }

}
