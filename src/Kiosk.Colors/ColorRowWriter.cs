using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HealthCode.Formats;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Kiosk.Colors;

/// <summary>
/// The store's bulk writer: a snapshot's sorted rows into a fresh table swapped in by name, a batch's rows upserted with
/// the merge rule, always inside the caller's transaction (the store owns the transactions).
/// </summary>
internal static class ColorRowWriter
{
    /// <summary>Bulk insert of sorted rows: statements prepared once (32 rows per statement, then single rows),
    /// parameters re-bound through SQLitePCLRaw (the layer under Microsoft.Data.Sqlite) inside the open transaction;
    /// sorted keys append to the B-tree.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InsertSorted(SqliteConnection db, RecordTable target, string table, ReadOnlySpan<ColorRow> rows)
    {
        const int PerStatement = 32;
        var handle = db.Handle ?? throw new InvalidOperationException("connection not open");
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
    public static void ReplaceRows(SqliteConnection db, SqliteTransaction tx, RecordTable target, ReadOnlySpan<ColorRow> rows)
    {
        SqliteCommands.Exec(db, tx, $"DROP TABLE IF EXISTS {target.NewName}");
        SqliteCommands.Exec(db, tx, target.CreateSql(target.NewName, ifNotExists: false));
        InsertSorted(db, target, target.NewName, rows);
        SqliteCommands.Exec(db, tx, $"DROP TABLE {target.Name}");
        SqliteCommands.Exec(db, tx, $"ALTER TABLE {target.NewName} RENAME TO {target.Name}");
    }

    /// <summary>Upserts rows into <paramref name="target"/> with the merge rule of <see cref="ColorRow.Newer"/>; returns how many were new.</summary>
    public static long UpsertRows(SqliteConnection db, SqliteTransaction tx, RecordTable target, ColorRow[] rows)
    {
        if (rows.Length == 0)
        {
            return 0;
        }

        var key = target.ByIssuer ? "issuer = $i AND id = $id" : "id = $id";
        using var insert = SqliteCommands.Command(db, tx, $"INSERT OR IGNORE INTO {target.Name}({target.Columns}) VALUES ({(target.ByIssuer ? "$i, " : "")}$id, $c, $ct)");
        using var update = SqliteCommands.Command(db, tx, $"UPDATE {target.Name} SET color = $c, ct = $ct WHERE {key} AND (ct < $ct OR (ct = $ct AND color < $c))");
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

    private static void Step(sqlite3_stmt stmt, sqlite3 handle)
    {
        var rc = raw.sqlite3_step(stmt);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc, handle);
        }

        raw.sqlite3_reset(stmt);
    }

    public static void Check(int rc, sqlite3 handle)
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

    [StructLayout(LayoutKind.Auto)]
    private readonly record struct RowParameters(SqliteParameter? Issuer, SqliteParameter Id, SqliteParameter Color, SqliteParameter ColorTime);
}
