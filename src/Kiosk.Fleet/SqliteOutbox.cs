using System.Text;
using System.Threading.Channels;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Kiosk.Fleet;

/// <summary>
/// The durable outbox of mqtt.md "Delivery": every decision and alert is committed to a SQLite file (WAL,
/// synchronous=FULL, so a committed event survives a power cut) before anything is sent, and leaves only when the
/// broker has acknowledged it (<see cref="Remove"/>). Bounded: when full, the oldest events go, the count of dropped
/// events is kept in the file, and <c>outbox_overflow</c> is raised. <see cref="Publish"/> is a fast local commit and
/// never touches the network, so the checkpoint is never held up by the broker.
/// </summary>
public sealed partial class SqliteOutbox : IEventSink, IDisposable
{
    /// <summary>File name of the outbox in the data directory.</summary>
    public const string FileName = "fleet-outbox.db";

    private readonly object _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _dropOldest;
    private readonly SqliteCommand _addDropped;
    private readonly SqliteCommand _readAfter;
    private readonly SqliteCommand _delete;
    private readonly Func<IAlerts?> _alerts;
    private readonly ILogger<SqliteOutbox> _logger;
    private readonly Channel<bool> _work = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _depth;
    private long _dropped;
    private bool _overflowRaised;
    private bool _disposed;

    /// <summary>Opens (creating if needed) the outbox file.</summary>
    /// <param name="path">The SQLite file, normally <c>{DataDirectory}/fleet-outbox.db</c>.</param>
    /// <param name="capacity">Events held at most.</param>
    /// <param name="alerts">Where <c>outbox_overflow</c> goes; a factory because the alert center itself publishes into this outbox.</param>
    /// <param name="logger">Logger.</param>
    public SqliteOutbox(string path, int capacity, Func<IAlerts?> alerts, ILogger<SqliteOutbox> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _alerts = alerts;
        _logger = logger;
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA synchronous=FULL;");
        Execute("""
            CREATE TABLE IF NOT EXISTS outbox(
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              topic INTEGER NOT NULL,
              event_id BLOB NOT NULL,
              payload BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS outbox_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            INSERT OR IGNORE INTO outbox_meta(key, value) VALUES ('dropped', 0);
            """);
        _insert = Prepare("INSERT INTO outbox(topic, event_id, payload) VALUES ($topic, $eventId, $payload);", "$topic", "$eventId", "$payload");
        _dropOldest = Prepare("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $n);", "$n");
        _addDropped = Prepare("UPDATE outbox_meta SET value = value + $n WHERE key = 'dropped';", "$n");
        _readAfter = Prepare("SELECT id, topic, event_id, payload FROM outbox WHERE id > $after ORDER BY id LIMIT $max;", "$after", "$max");
        _delete = Prepare("DELETE FROM outbox WHERE id = $id;", "$id");
        _depth = Scalar("SELECT COUNT(*) FROM outbox;");
        _dropped = Scalar("SELECT value FROM outbox_meta WHERE key = 'dropped';");
        if (_depth > 0)
        {
            _work.Writer.TryWrite(true);
        }
    }

    /// <summary>Events held at most.</summary>
    public int Capacity { get; }

    /// <summary>Events waiting for the broker's acknowledgement.</summary>
    public long Depth => Interlocked.Read(ref _depth);

    /// <summary>Events dropped because the outbox was full, over the life of the file.</summary>
    public long DroppedTotal => Interlocked.Read(ref _dropped);

    /// <summary>Stores the event (committed before return) and wakes the sender. Never throws.</summary>
    public void Publish(KioskEvent kioskEvent)
    {
        ArgumentNullException.ThrowIfNull(kioskEvent);
        PublishBatch([kioskEvent]);
    }

    /// <summary>Stores several events in one transaction (bulk import, benchmarks). Never throws.</summary>
    public void PublishBatch(IReadOnlyCollection<KioskEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        long droppedNow = 0;
        long depth;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                using var transaction = _connection.BeginTransaction();
                _insert.Transaction = transaction;
                foreach (var kioskEvent in events)
                {
                    _insert.Parameters[0].Value = kioskEvent is AlertEvent ? (int)OutboxTopic.Alert : (int)OutboxTopic.Decision;
                    _insert.Parameters[1].Value = kioskEvent.EventId.ToByteArray();
                    _insert.Parameters[2].Value = Encoding.UTF8.GetBytes(EventJson.Serialize(kioskEvent));
                    _insert.ExecuteNonQuery();
                }

                var newDepth = _depth + events.Count;
                if (newDepth > Capacity)
                {
                    droppedNow = newDepth - Capacity;
                    _dropOldest.Transaction = transaction;
                    _dropOldest.Parameters[0].Value = droppedNow;
                    _dropOldest.ExecuteNonQuery();
                    _addDropped.Transaction = transaction;
                    _addDropped.Parameters[0].Value = droppedNow;
                    _addDropped.ExecuteNonQuery();
                    newDepth = Capacity;
                }

                transaction.Commit();
                Interlocked.Exchange(ref _depth, newDepth);
                Interlocked.Add(ref _dropped, droppedNow);
                depth = newDepth;
            }
            catch (SqliteException ex)
            {
                LogWriteFailed(_logger, ex.SqliteErrorCode, ex.Message);
                return;
            }
        }

        _work.Writer.TryWrite(true);
        if (droppedNow > 0)
        {
            LogOverflow(_logger, droppedNow, DroppedTotal, depth);
            RaiseOverflow();
        }
    }

    /// <summary>Up to <paramref name="max"/> entries with an id above <paramref name="afterId"/>, oldest first.</summary>
    public IReadOnlyList<OutboxEntry> ReadAfter(long afterId, int max)
    {
        var entries = new List<OutboxEntry>(Math.Min(max, 1024));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _readAfter.Parameters[0].Value = afterId;
            _readAfter.Parameters[1].Value = max;
            using var reader = _readAfter.ExecuteReader();
            while (reader.Read())
            {
                var eventId = new Guid((byte[])reader.GetValue(2));
                entries.Add(new OutboxEntry(reader.GetInt64(0), (OutboxTopic)reader.GetInt32(1), eventId, (byte[])reader.GetValue(3)));
            }
        }

        return entries;
    }

    /// <summary>Removes acknowledged entries in one transaction; ids no longer present (dropped meanwhile) are ignored.</summary>
    public void Remove(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0)
        {
            return;
        }

        bool drained;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // A delete lost in a power cut only means the event is sent again (at least once): no fsync needed
            // for it. The next insert's FULL commit makes it durable with its own frames.
            long removed = 0;
            Execute("PRAGMA synchronous=NORMAL;");
            try
            {
                using var transaction = _connection.BeginTransaction();
                _delete.Transaction = transaction;
                foreach (var id in ids)
                {
                    _delete.Parameters[0].Value = id;
                    removed += _delete.ExecuteNonQuery();
                }

                transaction.Commit();
            }
            catch (SqliteException ex)
            {
                LogWriteFailed(_logger, ex.SqliteErrorCode, ex.Message);
            }
            finally
            {
                Execute("PRAGMA synchronous=FULL;");
            }

            drained = Interlocked.Add(ref _depth, -removed) == 0 && _overflowRaised;
            if (drained)
            {
                _overflowRaised = false;
            }
        }

        if (drained)
        {
            _alerts()?.Clear(AlertKinds.OutboxOverflow, $"outbox drained; {DroppedTotal} events dropped in total");
        }
    }

    /// <summary>Wakes the sender (events stored, acknowledgements to flush).</summary>
    public void Signal() => _work.Writer.TryWrite(true);

    /// <summary>Waits until <see cref="Publish"/> or <see cref="Signal"/> was called since the last wait.</summary>
    public ValueTask<bool> WaitForWorkAsync(CancellationToken cancellationToken) => _work.Reader.ReadAsync(cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _insert.Dispose();
            _dropOldest.Dispose();
            _addDropped.Dispose();
            _readAfter.Dispose();
            _delete.Dispose();
            _connection.Dispose();
        }
    }

    private void RaiseOverflow()
    {
        lock (_gate)
        {
            _overflowRaised = true;
        }

        _alerts()?.Raise(AlertKinds.OutboxOverflow, $"outbox full ({Capacity} events): oldest dropped, {DroppedTotal} in total");
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Error, Message = "Fleet outbox write failed (SQLite error {Code}): {Message}")]
    private static partial void LogWriteFailed(ILogger logger, int code, string message);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "Fleet outbox full: dropped the {Count} oldest events ({Total} in total, {Depth} held)")]
    private static partial void LogOverflow(ILogger logger, long count, long total, long depth);
}
