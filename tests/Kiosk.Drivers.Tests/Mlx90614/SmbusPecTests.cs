using Kiosk.Drivers.Mlx90614;

namespace Kiosk.Drivers.Tests.Mlx90614;

public class SmbusPecTests
{
    [Fact]
    public void DatasheetReadExampleHasPec0x30()
    {
        // Datasheet, SMBus read example: B4 07 B5 D2 3A, PEC 30.
        Assert.Equal(0x30, SmbusPec.Compute([0xB4, 0x07, 0xB5, 0xD2, 0x3A]));
        Assert.Equal(0x30, SmbusPec.ForReadWord(0x5A, 0x07, 0xD2, 0x3A));
    }

    [Fact]
    public void FrameWithItsPecAppendedChecksToZero()
    {
        Assert.Equal(0, SmbusPec.Compute([0xB4, 0x07, 0xB5, 0xD2, 0x3A, 0x30]));
    }

    [Fact]
    public void MatchesBitwiseCrc8Polynomial07()
    {
        var random = new Random(7);
        for (var n = 0; n < 200; n++)
        {
            var data = new byte[random.Next(1, 12)];
            random.NextBytes(data);
            Assert.Equal(BitwiseCrc8(data), SmbusPec.Compute(data));
        }
    }

    [Fact]
    public void CheckValueOfCrc8SmbusIs0xF4()
    {
        // The catalogue check value of CRC-8/SMBUS over "123456789".
        Assert.Equal(0xF4, SmbusPec.Compute("123456789"u8));
    }

    private static byte BitwiseCrc8(byte[] data)
    {
        var crc = 0;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
            }
        }

        return (byte)crc;
    }
}
