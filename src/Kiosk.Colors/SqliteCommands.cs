using Microsoft.Data.Sqlite;

namespace Kiosk.Colors;

/// <summary>Commands on the store's connection, in a transaction or not.</summary>
internal static class SqliteCommands
{
    public static SqliteCommand Command(SqliteConnection db, SqliteTransaction? tx, string sql)
    {
        var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    public static void Exec(SqliteConnection db, SqliteTransaction? tx, string sql)
    {
        using var cmd = Command(db, tx, sql);
        cmd.ExecuteNonQuery();
    }
}
