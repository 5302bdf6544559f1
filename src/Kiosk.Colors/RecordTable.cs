namespace Kiosk.Colors;

/// <summary>One of the two tables of colors: code records keyed by (issuer, id), document records keyed by docRef.
/// Both hold 16-byte keys, a color and a ct, and follow the same merge rule.</summary>
internal sealed record RecordTable(string Name, bool ByIssuer)
{
    /// <summary>The table a schema 2 snapshot filled before it was swapped in (dropped at open when a crash left it).</summary>
    public string NewName => Name + "_new";

    public string Columns => ByIssuer ? "issuer, id, color, ct" : "id, color, ct";

    public int ColumnCount => ByIssuer ? 4 : 3;

    public string CreateSql(string table, bool ifNotExists) =>
        $"CREATE TABLE {(ifNotExists ? "IF NOT EXISTS " : "")}{table}" + (ByIssuer
            ? "(issuer INTEGER NOT NULL, id BLOB NOT NULL, color INTEGER NOT NULL, ct INTEGER NOT NULL, PRIMARY KEY (issuer, id)) WITHOUT ROWID"
            : "(id BLOB NOT NULL PRIMARY KEY, color INTEGER NOT NULL, ct INTEGER NOT NULL) WITHOUT ROWID");
}
