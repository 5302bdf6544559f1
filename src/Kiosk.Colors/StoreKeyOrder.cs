using System.Text;
using HealthCode.Formats;
using HealthCode.Formats.Identity;

namespace Kiosk.Colors;

/// <summary>The feed's key order (color-feed.md, manifests): records by id (bytes unsigned, first byte first) then issuer
/// (UTF-8 bytes); document records by docRef. The order a <see cref="SnapshotLoad"/> takes its rows in.</summary>
internal static class StoreKeyOrder
{
    public static int Compare(ColorRecord a, ColorRecord b)
    {
        var c = a.Id.High.CompareTo(b.Id.High);
        if (c == 0)
        {
            c = a.Id.Low.CompareTo(b.Id.Low);
        }

        return c != 0 || ReferenceEquals(a.Issuer, b.Issuer) ? c : CompareIssuers(a.Issuer, b.Issuer);
    }

    public static int Compare(DocumentRecord a, DocumentRecord b) => Compare(a.DocRef, b.DocRef);

    public static int Compare(DocRef a, DocRef b)
    {
        var c = a.High.CompareTo(b.High);
        return c != 0 ? c : a.Low.CompareTo(b.Low);
    }

    /// <summary>UTF-8 byte order, which is code point order (<see cref="string.CompareOrdinal(string, string)"/> compares UTF-16
    /// units and differs for characters above the surrogates).</summary>
    public static int CompareIssuers(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    /// <summary>Sorts records in the feed's order and merges repeated keys with the merge rule (larger ct, then the more
    /// severe color); returns the distinct records.</summary>
    public static ColorRecord[] SortedDistinct(IReadOnlyList<ColorRecord> records)
    {
        var sorted = records.ToArray();
        Array.Sort(sorted, Compare);
        var write = 0;
        for (var read = 0; read < sorted.Length; read++)
        {
            if (write > 0 && Compare(sorted[write - 1], sorted[read]) == 0)
            {
                sorted[write - 1] = Newer(sorted[write - 1], sorted[read]);
            }
            else
            {
                sorted[write++] = sorted[read];
            }
        }

        return sorted[..write];
    }

    /// <summary>As <see cref="SortedDistinct(IReadOnlyList{ColorRecord})"/> for document records.</summary>
    public static DocumentRecord[] SortedDistinct(IReadOnlyList<DocumentRecord>? records)
    {
        if (records is null)
        {
            return [];
        }

        var sorted = records.ToArray();
        Array.Sort(sorted, Compare);
        var write = 0;
        for (var read = 0; read < sorted.Length; read++)
        {
            if (write > 0 && Compare(sorted[write - 1], sorted[read]) == 0)
            {
                var (a, b) = (sorted[write - 1], sorted[read]);
                sorted[write - 1] = b.ColorTime > a.ColorTime || (b.ColorTime == a.ColorTime && b.Color > a.Color) ? b : a;
            }
            else
            {
                sorted[write++] = sorted[read];
            }
        }

        return sorted[..write];
    }

    private static ColorRecord Newer(ColorRecord a, ColorRecord b) =>
        b.ColorTime > a.ColorTime || (b.ColorTime == a.ColorTime && b.Color > a.Color) ? b : a;
}
