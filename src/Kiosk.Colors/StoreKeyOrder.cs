using HealthCode.Formats;
using HealthCode.Formats.Feed;

namespace Kiosk.Colors;

/// <summary>A whole snapshot's records put in the feed's key order (<see cref="FeedKeyOrder"/>), the order a
/// <see cref="SnapshotLoad"/> takes its rows in, with repeated keys merged.</summary>
internal static class StoreKeyOrder
{
    /// <summary>Sorts records in the feed's order and merges repeated keys with the merge rule (larger ct, then the more
    /// severe color); returns the distinct records.</summary>
    public static ColorRecord[] SortedDistinct(IReadOnlyList<ColorRecord> records)
    {
        var sorted = records.ToArray();
        Array.Sort(sorted, static (a, b) => FeedKeyOrder.Compare(a, b));
        var write = 0;
        for (var read = 0; read < sorted.Length; read++)
        {
            if (write > 0 && FeedKeyOrder.Compare(sorted[write - 1], sorted[read]) == 0)
            {
                var (a, b) = (sorted[write - 1], sorted[read]);
                sorted[write - 1] = Newer(a.Color, a.ColorTime, b.Color, b.ColorTime) ? b : a;
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
        Array.Sort(sorted, static (a, b) => FeedKeyOrder.Compare(a, b));
        var write = 0;
        for (var read = 0; read < sorted.Length; read++)
        {
            if (write > 0 && FeedKeyOrder.Compare(sorted[write - 1], sorted[read]) == 0)
            {
                var (a, b) = (sorted[write - 1], sorted[read]);
                sorted[write - 1] = Newer(a.Color, a.ColorTime, b.Color, b.ColorTime) ? b : a;
            }
            else
            {
                sorted[write++] = sorted[read];
            }
        }

        return sorted[..write];
    }

    /// <summary>The merge rule: the incoming statement wins with a larger ct, or an equal ct and a more severe color.</summary>
    private static bool Newer(HealthColor held, long heldTime, HealthColor incoming, long incomingTime) =>
        incomingTime > heldTime || (incomingTime == heldTime && incoming > held);
}
