namespace Kiosk.Drivers.Mlx90614;

/// <summary>
/// SMBus Packet Error Code: CRC-8 with polynomial x⁸+x²+x+1 (0x07), initial value 0, no reflection,
/// computed over every byte of the transaction including the address bytes
/// (for a read word: address+W, command, address+R, LSB, MSB).
/// </summary>
public static class SmbusPec
{
    private static readonly byte[] Table = BuildTable();

    /// <summary>Adds <paramref name="data"/> to a running PEC.</summary>
    public static byte Update(byte crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = Table[crc ^ b];
        }

        return crc;
    }

    /// <summary>The PEC of <paramref name="data"/>.</summary>
    public static byte Compute(ReadOnlySpan<byte> data) => Update(0, data);

    /// <summary>The PEC the device appends to a read-word transaction.</summary>
    /// <param name="address">7-bit slave address.</param>
    /// <param name="command">The command byte.</param>
    /// <param name="lsb">Data low byte.</param>
    /// <param name="msb">Data high byte.</param>
    public static byte ForReadWord(int address, byte command, byte lsb, byte msb)
    {
        Span<byte> frame = [(byte)(address << 1), command, (byte)((address << 1) | 1), lsb, msb];
        return Compute(frame);
    }

    /// <summary>The PEC the master appends to a write-word transaction.</summary>
    public static byte ForWriteWord(int address, byte command, byte lsb, byte msb)
    {
        Span<byte> frame = [(byte)(address << 1), command, lsb, msb];
        return Compute(frame);
    }

    private static byte[] BuildTable()
    {
        var table = new byte[256];
        for (var i = 0; i < 256; i++)
        {
            var c = (byte)i;
            for (var bit = 0; bit < 8; bit++)
            {
                c = (c & 0x80) != 0 ? (byte)((c << 1) ^ 0x07) : (byte)(c << 1);
            }

            table[i] = c;
        }

        return table;
    }
}
