using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Kiosk.FleetWeb;

/// <summary>
/// The console's history in its own SQLite file: each kiosk's telemetry (the numbers charted over 24 h), alerts, and
/// the audit trail of operator actions (who, what, when, outcome). Bounded in age and in rows per table: every
/// <see cref="Prune"/> deletes what is older than the maximum age, then the oldest rows past the maximum count.
/// Holds nothing about visitors (telemetry and alerts carry none; mqtt.md).
/// </summary>
public sealed class FleetHistory : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly object _gate = new();
    private readonly TimeSpan _maxAge;
    private readonly int _maxRows;
    private readonly TimeProvider _time;

    /// <summary>Opens (or creates) the file.</summary>
    public FleetHistory(string path, TimeSpan maxAge, int maxRows, TimeProvider time)
    {
        _maxAge = maxAge;
        _maxRows = maxRows;
        _time = time;
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS telemetry (at INTEGER NOT NULL, kiosk TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL);
            CREATE INDEX IF NOT EXISTS telemetry_kiosk_at ON telemetry (kiosk, at);
            CREATE TABLE IF NOT EXISTS alerts (at INTEGER NOT NULL, kiosk TEXT NOT NULL, kind TEXT NOT NULL, active INTEGER NOT NULL, detail TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS alerts_at ON alerts (at);
            CREATE TABLE IF NOT EXISTS audit (at INTEGER NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
            """);
    }

    /// <summary>The telemetry numbers kept and charted.</summary>
    public static readonly IReadOnlyList<string> Metrics = ["memMB", "cpuTempC", "outboxDepth", "colorDataAgeS", "decisionP95Ms"];

    /// <summary>Keeps the charted numbers of one telemetry message.</summary>
    public void AddTelemetry(string kiosk, DateTimeOffset at, ReadOnlySpan<byte> payload)
    {
        var values = new List<(string, double)>();
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var metric in Metrics.Take(4))
            {
                if (root.TryGetProperty(metric, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d))
                {
                    values.Add((metric, d));
                }
            }

            if (root.TryGetProperty("latencyMs", out var latency) && latency.ValueKind == JsonValueKind.Object
                && latency.TryGetProperty("decision", out var decision) && decision.ValueKind == JsonValueKind.Object
                && decision.TryGetProperty("p95", out var p95) && p95.ValueKind == JsonValueKind.Number)
            {
                values.Add(("decisionP95Ms", p95.GetDouble()));
            }
        }
        catch (JsonException)
        {
            return; // not telemetry: nothing kept
        }

        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var (metric, value) in values)
            {
                Execute("INSERT INTO telemetry (at, kiosk, metric, value) VALUES ($at, $kiosk, $metric, $value)", ("$at", at.ToUnixTimeMilliseconds()), ("$kiosk", kiosk), ("$metric", metric), ("$value", value));
            }

            transaction.Commit();
        }
    }

    /// <summary>Keeps one alert.</summary>
    public void AddAlert(string kiosk, DateTimeOffset at, string kind, bool active, string detail)
    {
        lock (_gate)
        {
            Execute("INSERT INTO alerts (at, kiosk, kind, active, detail) VALUES ($at, $kiosk, $kind, $active, $detail)", ("$at", at.ToUnixTimeMilliseconds()), ("$kiosk", kiosk), ("$kind", kind), ("$active", active ? 1 : 0), ("$detail", detail));
        }
    }

    /// <summary>Keeps one operator action.</summary>
    public void AddAudit(AuditEntry entry)
    {
        lock (_gate)
        {
            Execute("INSERT INTO audit (at, user, action, target, outcome) VALUES ($at, $user, $action, $target, $outcome)", ("$at", entry.At.ToUnixTimeMilliseconds()), ("$user", entry.User), ("$action", entry.Action), ("$target", entry.Target), ("$outcome", entry.Outcome));
        }
    }

    /// <summary>One metric of one kiosk since <paramref name="from"/>, oldest first, at most <paramref name="points"/> (averaged into equal time slots).</summary>
    public IReadOnlyList<(DateTimeOffset At, double Value)> Series(string kiosk, string metric, DateTimeOffset from, int points = 288)
    {
        var now = _time.GetUtcNow();
        var slot = Math.Max(1, (now - from).Ticks / TimeSpan.TicksPerMillisecond / points);
        var result = new List<(DateTimeOffset, double)>();
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT (at - $from) / $slot AS s, MAX(at), AVG(value) FROM telemetry WHERE kiosk = $kiosk AND metric = $metric AND at >= $from GROUP BY s ORDER BY s";
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$slot", slot);
            command.Parameters.AddWithValue("$kiosk", kiosk);
            command.Parameters.AddWithValue("$metric", metric);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add((DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetDouble(2)));
            }
        }

        return result;
    }

    /// <summary>The latest alerts (newest first), of one kiosk or all.</summary>
    public IReadOnlyList<(DateTimeOffset At, string Kiosk, string Kind, bool Active, string Detail)> Alerts(string? kiosk, int count)
    {
        var result = new List<(DateTimeOffset, string, string, bool, string)>();
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT at, kiosk, kind, active, detail FROM alerts WHERE $kiosk IS NULL OR kiosk = $kiosk ORDER BY at DESC, rowid DESC LIMIT $count";
            command.Parameters.AddWithValue("$kiosk", (object?)kiosk ?? DBNull.Value);
            command.Parameters.AddWithValue("$count", count);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add((DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetInt64(3) != 0, reader.GetString(4)));
            }
        }

        return result;
    }

    /// <summary>The latest operator actions, newest first.</summary>
    public IReadOnlyList<AuditEntry> Audit(int count)
    {
        var result = new List<AuditEntry>();
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT at, user, action, target, outcome FROM audit ORDER BY at DESC, rowid DESC LIMIT $count";
            command.Parameters.AddWithValue("$count", count);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add(new AuditEntry(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
            }
        }

        return result;
    }

    /// <summary>Rows per table: telemetry, alerts, audit.</summary>
    public (long Telemetry, long Alerts, long Audit) Counts()
    {
        lock (_gate)
        {
            return (Count("telemetry"), Count("alerts"), Count("audit"));
        }
    }

    /// <summary>Deletes what is older than the maximum age, then the oldest rows past the maximum count per table; returns the rows deleted.</summary>
    public long Prune()
    {
        var cutoff = (_time.GetUtcNow() - _maxAge).ToUnixTimeMilliseconds();
        long deleted = 0;
        lock (_gate)
        {
            foreach (var table in (string[])["telemetry", "alerts", "audit"])
            {
                deleted += Execute($"DELETE FROM {table} WHERE at < $cutoff", ("$cutoff", cutoff));
                var excess = Count(table) - _maxRows;
                if (excess > 0)
                {
                    deleted += Execute($"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} ORDER BY at, rowid LIMIT $excess)", ("$excess", excess));
                }
            }
        }

        return deleted;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private long Count(string table)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }
}
