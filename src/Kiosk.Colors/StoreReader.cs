using System.Text;
using HealthCode.Formats;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Kiosk.Colors;

/// <summary>
/// Lookups served from the files (no resident table): a read-only connection to the main database (WAL: it reads the
/// last committed state while a writer works) for the changes since the snapshot (the delta tables) and one to the
/// current generation file (the snapshot's base records, opened <c>immutable</c>), with prepared statements. Each
/// lookup is one read transaction on the main database: <c>PRAGMA data_version</c> tells it when another connection
/// (this process's writer or another process) committed, and then the generation it names is read again and opened,
/// so a lookup sees one committed state: delta and base of the same commit. Thread-safe (one lock).
/// </summary>
internal sealed class StoreReader : IDisposable
{
    private const string DeltaCodeSql = "SELECT color, ct FROM records WHERE issuer = (SELECT idx FROM issuers WHERE name = ?1) AND id = ?2";
    private const string DeltaDocumentSql = "SELECT color, ct FROM doc_records WHERE id = ?1";
    private const string BaseCodeSql = "SELECT color, ct FROM records WHERE id = ?2 AND issuer = (SELECT idx FROM issuers WHERE name = ?1)";
    private const string BaseDocumentSql = "SELECT color, ct FROM doc_records WHERE id = ?1";

    private readonly Lock _lock = new();
    private readonly string _databasePath;
    private readonly SqliteConnection _main;
    private readonly sqlite3_stmt _begin;
    private readonly sqlite3_stmt _end;
    private readonly sqlite3_stmt _dataVersion;
    private readonly sqlite3_stmt _generation;
    private readonly sqlite3_stmt _deltaCode;
    private readonly sqlite3_stmt _deltaDocument;
    private SqliteConnection? _base;
    private sqlite3_stmt? _baseCode;
    private sqlite3_stmt? _baseDocument;
    private string? _baseName;
    private long _version = long.MinValue;
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
        _begin = Prepare(handle, "BEGIN");
        _end = Prepare(handle, "COMMIT");
        _dataVersion = Prepare(handle, "PRAGMA data_version");
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
            return Read(true, name, key, out color, out colorTime);
        }
    }

    /// <summary>The document record as committed (delta first, then base).</summary>
    public bool TryLookupDocument(ReadOnlySpan<byte> docRef, out HealthColor color, out long colorTime)
    {
        lock (_lock)
        {
            return Read(false, default, docRef, out color, out colorTime);
        }
    }

    /// <summary>The base record alone (the writer merging a batch: it reads the delta inside its own transaction).</summary>
    public bool TryLookupBase(bool code, ReadOnlySpan<byte> issuerUtf8, ReadOnlySpan<byte> key, out HealthColor color, out long colorTime)
    {
        lock (_lock)
        {
            return ReadBase(code, issuerUtf8, key, out color, out colorTime);
        }
    }

    /// <summary>Closes the base file now (its generation is being replaced or deleted by this process).</summary>
    public void Forget()
    {
        lock (_lock)
        {
            CloseBase();
            _version = long.MinValue;
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
            foreach (var stmt in new[] { _begin, _end, _dataVersion, _generation, _deltaCode, _deltaDocument })
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
        Step(_begin, handle);
        try
        {
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
                if (rc == raw.SQLITE_ROW)
                {
                    color = (HealthColor)raw.sqlite3_column_int(delta, 0);
                    colorTime = raw.sqlite3_column_int64(delta, 1);
                    return true;
                }

                ColorRowWriter.Check(rc, handle);
            }
            finally
            {
                raw.sqlite3_reset(delta);
            }

            return ReadBase(code, issuerUtf8, key, out color, out colorTime);
        }
        finally
        {
            Step(_end, handle);
        }
    }

    private bool ReadBase(bool code, ReadOnlySpan<byte> issuerUtf8, ReadOnlySpan<byte> key, out HealthColor color, out long colorTime)
    {
        color = default;
        colorTime = default;
        Refresh();
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

    /// <summary>Follows the generation named by the committed state (read in the current read transaction, or its own).</summary>
    private void Refresh()
    {
        var handle = _main.Handle!;
        long version;
        try
        {
            ColorRowWriter.Check(raw.sqlite3_step(_dataVersion), handle);
            version = raw.sqlite3_column_int64(_dataVersion, 0);
        }
        finally
        {
            raw.sqlite3_reset(_dataVersion);
        }

        if (version == _version && _version != long.MinValue)
        {
            return;
        }

        string? name;
        try
        {
            ColorRowWriter.Check(raw.sqlite3_step(_generation), handle);
            name = raw.sqlite3_column_type(_generation, 0) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(_generation, 0).utf8_to_string();
        }
        finally
        {
            raw.sqlite3_reset(_generation);
        }

        if (!string.Equals(name, _baseName, StringComparison.Ordinal) || (name is not null && _base is null))
        {
            CloseBase();
            if (name is not null)
            {
                OpenBase(name);
            }
        }

        _version = version;
    }

    private void OpenBase(string name)
    {
        var path = StoreFiles.PathOf(_databasePath, name);
        if (!File.Exists(path))
        {
            throw new InvalidDataException("color store: the generation file its state names is missing");
        }

        var uri = "file:" + path.Replace("%", "%25", StringComparison.Ordinal).Replace("?", "%3f", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal) + "?immutable=1";
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = uri, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            connection.Open();
            _baseCode = Prepare(connection.Handle!, BaseCodeSql);
            _baseDocument = Prepare(connection.Handle!, BaseDocumentSql);
        }
        catch
        {
            _baseCode?.Dispose();
            _baseCode = null;
            connection.Dispose();
            throw;
        }

        _base = connection;
        _baseName = name;
    }

    private void CloseBase()
    {
        _baseCode?.Dispose();
        _baseDocument?.Dispose();
        _base?.Dispose();
        _baseCode = null;
        _baseDocument = null;
        _base = null;
        _baseName = null;
    }

    private static sqlite3_stmt Prepare(sqlite3 handle, string sql)
    {
        ColorRowWriter.Check(raw.sqlite3_prepare_v3(handle, sql, raw.SQLITE_PREPARE_PERSISTENT, out var stmt), handle);
        return stmt;
    }

    private static void Step(sqlite3_stmt stmt, sqlite3 handle)
    {
        try
        {
            ColorRowWriter.Check(raw.sqlite3_step(stmt), handle);
        }
        finally
        {
            raw.sqlite3_reset(stmt);
        }
    }
}
