using System.Runtime.CompilerServices;
using HealthCode.Formats;

namespace Kiosk.Colors;

/// <summary>A batch's records as the store's rows: issuer names to indexes, keys as two 64-bit halves.</summary>
internal static class ColorRows
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ColorRow[] ToRows(IReadOnlyList<ColorRecord> records, List<string> names, Dictionary<string, ushort> index)
    {
        var rows = new ColorRow[records.Count];
        ReadOnlySpan<ColorRecord> span = records is ColorRecord[] array ? array : records.ToArray();
        string? lastName = null;
        ushort lastIndex = 0;
        for (var i = 0; i < span.Length; i++)
        {
            ref readonly var r = ref span[i];
            if (!ReferenceEquals(r.Issuer, lastName))
            {
                if (!index.TryGetValue(r.Issuer, out lastIndex))
                {
                    if (names.Count > ushort.MaxValue)
                    {
                        throw new InvalidOperationException($"more than {ushort.MaxValue + 1} issuers in the color store");
                    }

                    lastIndex = (ushort)names.Count;
                    names.Add(r.Issuer);
                    index.Add(r.Issuer, lastIndex);
                }

                lastName = r.Issuer;
            }

            rows[i] = new ColorRow(lastIndex, r.Id.High, r.Id.Low, r.Color, r.ColorTime);
        }

        return rows;
    }

    /// <summary>Document records as rows of the one table they fill (issuer 0); none when the message has none.</summary>
    public static ColorRow[] ToRows(IReadOnlyList<DocumentRecord>? records)
    {
        if (records is null)
        {
            return [];
        }

        var rows = new ColorRow[records.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var r = records[i];
            rows[i] = new ColorRow(0, r.DocRef.High, r.DocRef.Low, r.Color, r.ColorTime);
        }

        return rows;
    }
}
