using HealthCode.Formats;
using Kiosk.Colors;

namespace Kiosk.Service.Tests.Colors;

public sealed class ColorTableTests
{
    [Fact]
    public void GrowsFromASmallCapacityAndFindsEveryRowWithTheMergeRule()
    {
        var table = new ColorTable(16);
        var random = new Random(5);
        var rows = new List<ColorRow>();
        for (var i = 0; i < 20_000; i++)
        {
            var row = new ColorRow((ushort)(i % 3), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (HealthColor)(i % 3), i);
            rows.Add(row);
            table.Upsert(row);
        }

        Assert.Equal(rows.Count, table.Count);
        foreach (var row in rows)
        {
            Assert.True(table.TryGet(row.Issuer, new CodeId(row.High, row.Low), out var color, out var ct));
            Assert.Equal((row.Color, row.ColorTime), (color, ct));
            Assert.False(table.TryGet((ushort)(row.Issuer + 3), new CodeId(row.High, row.Low), out _, out _));
        }

        var first = rows[0];
        table.Upsert(first with { Color = HealthColor.Red, ColorTime = first.ColorTime - 1 });
        Assert.True(table.TryGet(first.Issuer, new CodeId(first.High, first.Low), out var kept, out _));
        Assert.Equal(first.Color, kept);
        table.Upsert(first with { Color = HealthColor.Red });
        Assert.True(table.TryGet(first.Issuer, new CodeId(first.High, first.Low), out var tie, out _));
        Assert.Equal(HealthColor.Red, tie);
        Assert.Equal(rows.Count, table.Count);
    }
}
