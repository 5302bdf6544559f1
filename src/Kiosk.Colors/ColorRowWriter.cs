using System.Runtime.CompilerServices;
using System.Text;
using HealthCode.Formats;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Kiosk.Colors;

/// <summary>
/// The batch writer: a batch's rows merged into the delta tables of the main database with the merge rule, inside the
/// caller's transaction (the store owns the transactions). A row's current value is the delta's (read in that
/// transaction, so repeats within the batch merge too) or else the base's (the generation file, through the
/// <see cref="StoreReader"/>); the delta gets the row only when it wins.
/// </summary>
internal static class ColorRowWriter
{
    /// <summary>Upserts rows into <paramref name="target"/> with the merge rule of <see cref="ColorRow.Newer"/>; returns how
    /// many keys were new to the store (in neither the delta nor the base).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long UpsertRows(SqliteConnection db, RecordTable target, ColorRow[] rows, List<string> issuerNames, StoreReader reader)
    {
        if (rows.Length == 0)
        {
            return 0;
        }

        var handle = db.Handle ?? throw new InvalidOperationException("connection not open");
        var code = target.ByIssuer;

        // In key order: the delta's B-tree and the base's pages are then visited front to back (the merge rule does
        // not depend on the order of repeats). The base to read is the one the committed state names.
        rows = (ColorRow[])rows.Clone();
        Array.Sort(rows);
        reader.FollowCommitted();
        var key = code ? "issuer = ?1 AND id = ?2" : "id = ?2";
        var values = code ? "?1, ?2, ?3, ?4" : "?2, ?3, ?4";
        var conflict = code ? "issuer, id" : "id";
        Check(raw.sqlite3_prepare_v2(handle, $"SELECT color, ct FROM {target.Name} WHERE {key}", out var select), handle);
        using var selectStatement = select;
        Check(raw.sqlite3_prepare_v2(handle, $"INSERT INTO {target.Name}({target.Columns}) VALUES ({values}) ON CONFLICT({conflict}) DO UPDATE SET color = excluded.color, ct = excluded.ct", out var upsert), handle);
        using var upsertStatement = upsert;
        var utf8 = code ? issuerNames.Select(Encoding.UTF8.GetBytes).ToArray() : [];
        Span<byte> id = stackalloc byte[CodeId.Length];
        long added = 0;
        foreach (var row in rows)
        {
            new CodeId(row.High, row.Low).WriteTo(id);
            ColorRow? current = null;
            if (code)
            {
                raw.sqlite3_bind_int(select, 1, row.Issuer);
            }

            raw.sqlite3_bind_blob(select, 2, id);
            var rc = raw.sqlite3_step(select);
            if (rc == raw.SQLITE_ROW)
            {
                current = row with { Color = (HealthColor)raw.sqlite3_column_int(select, 0), ColorTime = raw.sqlite3_column_int64(select, 1) };
            }

            raw.sqlite3_reset(select);
            if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
            {
                Check(rc, handle);
            }

            if (current is null)
            {
                if (reader.TryLookupBase(code, code ? utf8[row.Issuer] : default, id, out var baseColor, out var baseTime))
                {
                    current = row with { Color = baseColor, ColorTime = baseTime };
                }
                else
                {
                    added++;
                }
            }

            if (current is { } held && ColorRow.Newer(held, row) == held)
            {
                continue; // what is held stays (the incoming row is older, or the same)
            }

            if (code)
            {
                raw.sqlite3_bind_int(upsert, 1, row.Issuer);
            }

            raw.sqlite3_bind_blob(upsert, 2, id);
            raw.sqlite3_bind_int(upsert, 3, (int)row.Color);
            raw.sqlite3_bind_int64(upsert, 4, row.ColorTime);
            rc = raw.sqlite3_step(upsert);
            raw.sqlite3_reset(upsert);
            if (rc != raw.SQLITE_DONE)
            {
                Check(rc, handle);
            }
        }

        return added;
    }

    public static void Check(int rc, sqlite3 handle)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errmsg(handle).utf8_to_string()}", rc);
        }
    }
}
