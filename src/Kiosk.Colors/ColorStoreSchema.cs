using Microsoft.Data.Sqlite;

namespace Kiosk.Colors;

/// <summary>
/// The store's tables, created or brought up to date in one transaction at open: the two record tables, issuer names,
/// kept-aside gap batches and the one state row (schema 1 stores gain <c>doc_record_count</c>; schema 2 stores gain
/// <c>generation</c>, null: their records stay in the main database's tables, which now hold the changes since the
/// snapshot over an empty base, and <c>out_of_sync_since</c>); a schema 2 snapshot's unfinished new table is dropped.
/// </summary>
internal static class ColorStoreSchema
{
    public static void Create(SqliteConnection db, RecordTable codes, RecordTable documents, string feed, int schemaVersion)
    {
        using var tx = db.BeginTransaction();
        SqliteCommands.Exec(db, tx, codes.CreateSql(codes.Name, ifNotExists: true));
        SqliteCommands.Exec(db, tx, documents.CreateSql(documents.Name, ifNotExists: true));
        SqliteCommands.Exec(db, tx, "CREATE TABLE IF NOT EXISTS issuers(idx INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
        SqliteCommands.Exec(db, tx, "CREATE TABLE IF NOT EXISTS pending(seq INTEGER PRIMARY KEY, message BLOB NOT NULL)");
        SqliteCommands.Exec(db, tx, """
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
                doc_record_count INTEGER NOT NULL DEFAULT 0,
                generation TEXT,
                out_of_sync_since INTEGER)
            """);

        // A store of schema 1 has no document records yet; one of schema 2 no generation file and no out-of-sync time.
        AddColumnIfMissing(db, tx, "doc_record_count", "INTEGER NOT NULL DEFAULT 0");
        AddColumnIfMissing(db, tx, "generation", "TEXT");
        AddColumnIfMissing(db, tx, "out_of_sync_since", "INTEGER");

        SqliteCommands.Exec(db, tx, $"DROP TABLE IF EXISTS {codes.NewName}");
        SqliteCommands.Exec(db, tx, $"DROP TABLE IF EXISTS {documents.NewName}");
        using (var insert = SqliteCommands.Command(db, tx, "INSERT OR IGNORE INTO state(id, feed, record_count) VALUES (1, $feed, 0)"))
        {
            insert.Parameters.AddWithValue("$feed", feed);
            insert.ExecuteNonQuery();
        }

        SqliteCommands.Exec(db, tx, $"PRAGMA user_version = {schemaVersion}");
        tx.Commit();
    }

    private static void AddColumnIfMissing(SqliteConnection db, SqliteTransaction tx, string column, string definition)
    {
        using var has = SqliteCommands.Command(db, tx, "SELECT COUNT(*) FROM pragma_table_info('state') WHERE name = $column");
        has.Parameters.AddWithValue("$column", column);
        if (Convert.ToInt64(has.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            SqliteCommands.Exec(db, tx, $"ALTER TABLE state ADD COLUMN {column} {definition}");
        }
    }
}
