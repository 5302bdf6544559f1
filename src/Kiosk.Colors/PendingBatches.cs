using Microsoft.Data.Sqlite;

namespace Kiosk.Colors;

/// <summary>
/// Gap batches kept aside until the batches before them arrive (color-feed.md): their raw signed bytes by seq, verified
/// again when their turn comes. Writes run inside the store's transaction.
/// </summary>
internal static class PendingBatches
{
    /// <summary>Keeps a batch; beyond <paramref name="max"/> batches the highest seqs are dropped.</summary>
    public static void Keep(SqliteConnection db, SqliteTransaction tx, ulong seq, ReadOnlySpan<byte> signedMessage, int max)
    {
        using (var insert = SqliteCommands.Command(db, tx, "INSERT OR REPLACE INTO pending(seq, message) VALUES ($seq, $message)"))
        {
            insert.Parameters.AddWithValue("$seq", unchecked((long)seq));
            insert.Parameters.Add("$message", SqliteType.Blob).Value = signedMessage.ToArray();
            insert.ExecuteNonQuery();
        }

        using var trim = SqliteCommands.Command(db, tx, "DELETE FROM pending WHERE seq NOT IN (SELECT seq FROM pending ORDER BY seq LIMIT $max)");
        trim.Parameters.AddWithValue("$max", max);
        trim.ExecuteNonQuery();
    }

    public static bool Has(SqliteConnection db, ulong seq)
    {
        using var cmd = SqliteCommands.Command(db, null, "SELECT 1 FROM pending WHERE seq = $seq");
        cmd.Parameters.AddWithValue("$seq", unchecked((long)seq));
        return cmd.ExecuteScalar() is not null;
    }

    public static byte[]? Read(SqliteConnection db, ulong seq)
    {
        using var cmd = SqliteCommands.Command(db, null, "SELECT message FROM pending WHERE seq = $seq");
        cmd.Parameters.AddWithValue("$seq", unchecked((long)seq));
        return cmd.ExecuteScalar() as byte[];
    }

    public static void Drop(SqliteConnection db, ulong seq)
    {
        using var cmd = SqliteCommands.Command(db, null, "DELETE FROM pending WHERE seq = $seq");
        cmd.Parameters.AddWithValue("$seq", unchecked((long)seq));
        cmd.ExecuteNonQuery();
    }

    public static int Count(SqliteConnection db, SqliteTransaction? tx)
    {
        using var cmd = SqliteCommands.Command(db, tx, "SELECT COUNT(*) FROM pending");
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
