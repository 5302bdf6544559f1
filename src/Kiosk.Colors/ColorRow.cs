using HealthCode.Formats;

namespace Kiosk.Colors;

/// <summary>One record as the store holds it: the issuer as a small index into the store's issuer names.</summary>
/// <remarks>Ordered by (issuer, id) exactly as SQLite orders the primary key (integer, then blob memcmp),
/// so sorted rows append to the B-tree.</remarks>
internal readonly record struct ColorRow(ushort Issuer, ulong High, ulong Low, HealthColor Color, long ColorTime) : IComparable<ColorRow>
{
    public int CompareTo(ColorRow other)
    {
        var c = Issuer.CompareTo(other.Issuer);
        if (c != 0)
        {
            return c;
        }

        c = High.CompareTo(other.High);
        return c != 0 ? c : Low.CompareTo(other.Low);
    }

    public bool SameKey(in ColorRow other) => Issuer == other.Issuer && High == other.High && Low == other.Low;

    /// <summary>The merge rule for two statements about one code: the larger ct wins; on equal ct the more severe color.</summary>
    public static ColorRow Newer(in ColorRow current, in ColorRow incoming) =>
        Wins(current.Color, current.ColorTime, incoming.Color, incoming.ColorTime) ? incoming : current;

    /// <summary>The merge rule itself: the incoming statement wins with a larger ct, or an equal ct and a more severe color.</summary>
    public static bool Wins(HealthColor held, long heldTime, HealthColor incoming, long incomingTime) =>
        incomingTime > heldTime || (incomingTime == heldTime && incoming > held);
}
