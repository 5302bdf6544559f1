using HealthCode.Formats;
using HealthCode.Formats.Feed;

namespace Kiosk.Colors;

/// <summary>A whole snapshot's records put in the feed's key order (<see cref="FeedKeyOrder"/>), the order a
/// <see cref="SnapshotLoad"/> takes its rows in, with repeated keys merged.</summary>
internal static class StoreKeyOrder
{
    /// <summary>Sorts records in the feed's order and merges repeated keys with the merge rule (larger ct, then the more
    /// severe color); returns the distinct records.</summary>
    public static ColorRecord[] SortedDistinct(IReadOnlyList<ColorRecord> records) =>
        SortedDistinct(records.ToArray(), static (a, b) => FeedKeyOrder.Compare(a, b), static (held, incoming) =>
            ColorRow.Wins(held.Color, held.ColorTime, incoming.Color, incoming.ColorTime));

    /// <summary>As <see cref="SortedDistinct(IReadOnlyList{ColorRecord})"/> for document records.</summary>
    public static DocumentRecord[] SortedDistinct(IReadOnlyList<DocumentRecord>? records) =>
        records is null
            ? []
            : SortedDistinct(records.ToArray(), static (a, b) => FeedKeyOrder.Compare(a, b), static (held, incoming) =>
                ColorRow.Wins(held.Color, held.ColorTime, incoming.Color, incoming.ColorTime));

    private static T[] SortedDistinct<T>(T[] sorted, Comparison<T> compare, Func<T, T, bool> wins)
    {
        Array.Sort(sorted, compare);
        var write = 0;
        for (var read = 0; read < sorted.Length; read++)
        {
            if (write > 0 && compare(sorted[write - 1], sorted[read]) == 0)
            {
                if (wins(sorted[write - 1], sorted[read]))
                {
                    sorted[write - 1] = sorted[read];
                }
            }
            else
            {
                sorted[write++] = sorted[read];
            }
        }

        return sorted[..write];
    }
}
