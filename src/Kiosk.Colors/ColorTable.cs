using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HealthCode.Formats;

namespace Kiosk.Colors;

/// <summary>
/// The resident copy of the color records (and, in a second instance, of the document records, issuer 0): a chained hash table over one dense array of 32-byte entries
/// plus an int bucket array (about 36 bytes per record at a million records). Not thread-safe: the store
/// serialises writers and readers with a lock; lookups are a few hundred nanoseconds and never touch the disk.
/// </summary>
internal sealed class ColorTable
{
    private Entry[] _entries;
    private int[] _buckets; // 1-based index into _entries; 0 = empty
    private int _count;
    private int _mask;

    public ColorTable(int capacity)
    {
        capacity = Math.Max(16, capacity);
        _entries = new Entry[capacity];
        var buckets = (int)BitOperations.RoundUpToPowerOf2((uint)capacity);
        _buckets = new int[buckets];
        _mask = buckets - 1;
    }

    public int Count => _count;

    /// <summary>Builds a table from rows whose keys are distinct.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ColorTable FromDistinctRows(ReadOnlySpan<ColorRow> rows)
    {
        var table = new ColorTable(rows.Length);
        foreach (ref readonly var row in rows)
        {
            table.AddNew(row);
        }

        return table;
    }

    public bool TryGet(ushort issuer, CodeId id, out HealthColor color, out long colorTime) =>
        TryGet(issuer, id.High, id.Low, out color, out colorTime);

    /// <summary>Looks up a 16-byte key given as two halves (a code id, or a docRef in the document table where the issuer is 0).</summary>
    public bool TryGet(ushort issuer, ulong high, ulong low, out HealthColor color, out long colorTime)
    {
        var i = _buckets[Hash(issuer, high, low) & _mask];
        while (i != 0)
        {
            ref readonly var e = ref _entries[i - 1];
            if (e.High == high && e.Low == low && e.Issuer == issuer)
            {
                color = e.Color;
                colorTime = e.ColorTime;
                return true;
            }

            i = e.Next;
        }

        color = default;
        colorTime = default;
        return false;
    }

    /// <summary>Applies the merge rule of <see cref="ColorRow.Newer"/>; returns the row now held.</summary>
    public ColorRow Upsert(in ColorRow row)
    {
        var bucket = Hash(row.Issuer, row.High, row.Low) & _mask;
        var i = _buckets[bucket];
        while (i != 0)
        {
            ref var e = ref _entries[i - 1];
            if (e.High == row.High && e.Low == row.Low && e.Issuer == row.Issuer)
            {
                var current = new ColorRow(e.Issuer, e.High, e.Low, e.Color, e.ColorTime);
                var winner = ColorRow.Newer(current, row);
                e.Color = winner.Color;
                e.ColorTime = winner.ColorTime;
                return winner;
            }

            i = e.Next;
        }

        AddNew(row);
        return row;
    }

    private void AddNew(in ColorRow row)
    {
        if (_count == _entries.Length)
        {
            Grow();
        }

        var bucket = Hash(row.Issuer, row.High, row.Low) & _mask;
        _entries[_count] = new Entry
        {
            High = row.High,
            Low = row.Low,
            ColorTime = row.ColorTime,
            Issuer = row.Issuer,
            Color = row.Color,
            Next = _buckets[bucket],
        };
        _buckets[bucket] = ++_count;
    }

    private void Grow()
    {
        var capacity = checked(_entries.Length * 2);
        Array.Resize(ref _entries, capacity);
        if (capacity > _buckets.Length)
        {
            var buckets = (int)BitOperations.RoundUpToPowerOf2((uint)capacity);
            _buckets = new int[buckets];
            _mask = buckets - 1;
            for (var n = 0; n < _count; n++)
            {
                ref var e = ref _entries[n];
                var bucket = Hash(e.Issuer, e.High, e.Low) & _mask;
                e.Next = _buckets[bucket];
                _buckets[bucket] = n + 1;
            }
        }
    }

    private static int Hash(ushort issuer, ulong high, ulong low)
    {
        // Ids are random-looking, but mix anyway so structured ids do not cluster.
        var h = (high ^ BitOperations.RotateLeft(low, 29) ^ ((ulong)issuer << 48)) * 0x9E3779B97F4A7C15UL;
        return (int)(h >> 32);
    }

    [StructLayout(LayoutKind.Sequential, Pack = 8)]
    private struct Entry
    {
        public ulong High;
        public ulong Low;
        public long ColorTime;
        public int Next;
        public ushort Issuer;
        public HealthColor Color;
    }
}
