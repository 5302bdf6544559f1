using System.Formats.Cbor;

namespace HealthCode.Formats.Tests;

/// <summary>The map walk shared by the CWT claims, claim -1001, trust list entries and the feed payload.</summary>
public class CborMapTests
{
    [Fact]
    public void TextKeysAreTakenInOrderAndEntriesWithOtherKeysArePassedOverWhole()
    {
        var writer = new CborWriter();
        writer.WriteStartMap(4);
        writer.WriteInt32(1);
        writer.WriteStartArray(2); // a nested value is skipped with its key
        writer.WriteTextString("x");
        writer.WriteTextString("y");
        writer.WriteEndArray();
        writer.WriteTextString("a");
        writer.WriteInt32(10);
        writer.WriteByteString([1, 2]);
        writer.WriteTextString("b-as-value");
        writer.WriteTextString("b");
        writer.WriteInt32(20);
        writer.WriteEndMap();
        var reader = new CborReader(writer.Encode());
        reader.ReadStartMap();

        var seen = new List<(string, int)>();
        while (CborMap.NextTextKey(reader, out var key))
        {
            seen.Add((key, reader.ReadInt32()));
        }

        Assert.Equal([("a", 10), ("b", 20)], seen);
        Assert.True(CborMap.EndsPayload(reader));
    }

    [Fact]
    public void IntegerKeysOfEitherSignAreTakenAndTextKeysPassedOver()
    {
        var writer = new CborWriter();
        writer.WriteStartMap(3);
        writer.WriteTextString("note");
        writer.WriteTextString("ignored");
        writer.WriteInt32(-1001);
        writer.WriteInt32(1);
        writer.WriteInt32(4);
        writer.WriteInt32(2);
        writer.WriteEndMap();
        var reader = new CborReader(writer.Encode());
        reader.ReadStartMap();

        var keys = new List<long>();
        while (CborMap.NextIntegerKey(reader, out var key))
        {
            keys.Add(key);
            reader.SkipValue();
        }

        Assert.Equal([-1001L, 4L], keys);
        Assert.True(CborMap.EndsPayload(reader));
    }

    [Fact]
    public void AMapFollowedByMoreBytesDoesNotEndThePayload()
    {
        var reader = new CborReader(new byte[] { 0xA0, 0x00 }, allowMultipleRootLevelValues: true); // {} 0
        reader.ReadStartMap();
        Assert.False(CborMap.NextTextKey(reader, out _));
        Assert.False(CborMap.EndsPayload(reader));
    }
}
