using System.Diagnostics.CodeAnalysis;
using System.Formats.Cbor;

namespace HealthCode.Formats;

/// <summary>
/// Walking the CBOR maps of the formats (the CWT claims, claim -1001, trust list entries, the feed payload): the
/// caller reads <c>ReadStartMap</c>, takes the keys one by one and reads or skips each value; an entry whose key is
/// of a type the map does not use is passed over, key and value, so that unknown entries never fail a map.
/// </summary>
internal static class CborMap
{
    /// <summary>
    /// Moves to the next entry with a text key and reads the key; entries with other keys are skipped.
    /// False at the end of the map, which is left for the caller's <c>ReadEndMap</c>.
    /// </summary>
    public static bool NextTextKey(CborReader reader, [NotNullWhen(true)] out string? key)
    {
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            if (reader.PeekState() == CborReaderState.TextString)
            {
                key = reader.ReadTextString();
                return true;
            }

            SkipEntry(reader);
        }

        key = null;
        return false;
    }

    /// <summary>
    /// Moves to the next entry with an integer key (a label) and reads the key; entries with other keys are skipped.
    /// False at the end of the map, which is left for the caller's <c>ReadEndMap</c>.
    /// </summary>
    /// <exception cref="OverflowException">A key beyond the 64-bit signed range.</exception>
    public static bool NextIntegerKey(CborReader reader, out long key)
    {
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            if (reader.PeekState() is CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger)
            {
                key = reader.ReadInt64();
                return true;
            }

            SkipEntry(reader);
        }

        key = 0;
        return false;
    }

    /// <summary>Reads the end of a map that must be the whole payload; false when bytes follow it.</summary>
    public static bool EndsPayload(CborReader reader)
    {
        reader.ReadEndMap();
        return reader.BytesRemaining == 0;
    }

    private static void SkipEntry(CborReader reader)
    {
        reader.SkipValue();
        reader.SkipValue();
    }
}
