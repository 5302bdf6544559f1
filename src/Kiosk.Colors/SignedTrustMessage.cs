using System.Security.Cryptography;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Microsoft.Data.Sqlite;

namespace Kiosk.Colors;

/// <summary>
/// The signed trust list as the store keeps it: the raw signed message, verified again against the pinned authority key
/// at every open, so a list signed by a key no longer pinned is not used.
/// </summary>
internal static class SignedTrustMessage
{
    /// <summary>Keeps the raw signed message, inside the store's transaction.</summary>
    public static void Save(SqliteConnection db, SqliteTransaction tx, ReadOnlySpan<byte> signedMessage)
    {
        using var cmd = SqliteCommands.Command(db, tx, "UPDATE state SET trust_message = $message WHERE id = 1");
        cmd.Parameters.Add("$message", SqliteType.Blob).Value = signedMessage.ToArray();
        cmd.ExecuteNonQuery();
    }

    /// <summary>The kept trust list when its message still verifies against <paramref name="authorityKey"/>; else null.</summary>
    public static TrustList? Load(SqliteConnection db, SqliteTransaction tx, ECDsa authorityKey)
    {
        using var cmd = SqliteCommands.Command(db, tx, "SELECT trust_message FROM state WHERE id = 1");
        return cmd.ExecuteScalar() is byte[] message && FeedCodec.Decode(message, authorityKey).Message is TrustMessage trust
            ? trust.Trust
            : null;
    }
}
