using System.Runtime.CompilerServices;

namespace HealthCode.Formats.Feed;

/// <summary>
/// The order of keys in a manifest's parts (color-feed.md, "Order"): records by id (bytes unsigned, first byte first),
/// then by issuer (UTF-8 bytes compared the same way); document records by docRef.
/// </summary>
public static class FeedKeyOrder
{
    /// <summary>Negative when <paramref name="a"/> comes before <paramref name="b"/>, 0 for the same key (color and ct are not part of it).</summary>
    public static int Compare(in ColorRecord a, in ColorRecord b)
    {
        var byId = Compare(a.Id.High, a.Id.Low, b.Id.High, b.Id.Low);
        return byId != 0 ? byId : CompareUtf8(a.Issuer, b.Issuer);
    }

    /// <summary>Negative when <paramref name="a"/> comes before <paramref name="b"/>, 0 for the same docRef.</summary>
    public static int Compare(in DocumentRecord a, in DocumentRecord b) =>
        Compare(a.DocRef.High, a.DocRef.Low, b.DocRef.High, b.DocRef.Low);

    /// <summary>The halves hold the bytes big-endian: comparing them as unsigned numbers compares the bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Compare(ulong aHigh, ulong aLow, ulong bHigh, ulong bLow) =>
        aHigh != bHigh ? aHigh.CompareTo(bHigh) : aLow.CompareTo(bLow);

    /// <summary>
    /// Orders two strings as their UTF-8 bytes would be (code point order) without encoding them: UTF-16 code units
    /// order the same way except that a surrogate (a code point above U+FFFF) sorts after U+E000..U+FFFF.
    /// </summary>
    internal static int CompareUtf8(string a, string b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x == y)
            {
                continue;
            }

            var xSurrogate = char.IsSurrogate(x);
            var ySurrogate = char.IsSurrogate(y);
            if (xSurrogate != ySurrogate && (xSurrogate ? y : x) >= '\uE000')
            {
                return xSurrogate ? 1 : -1;
            }

            return x < y ? -1 : 1;
        }

        return a.Length.CompareTo(b.Length);
    }
}
