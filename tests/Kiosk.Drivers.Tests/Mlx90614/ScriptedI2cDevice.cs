using System.Device.I2c;

namespace Kiosk.Drivers.Tests.Mlx90614;

/// <summary>An I²C device that answers each read with the next scripted byte sequence (or throws), and records writes.</summary>
internal sealed class ScriptedI2cDevice(int address, params Func<byte[]>[] responses) : I2cDevice
{
    private int _next;

    public List<byte[]> Commands { get; } = [];

    public List<byte[]> Writes { get; } = [];

    public override I2cConnectionSettings ConnectionSettings { get; } = new(1, address);

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Commands.Add(writeBuffer.ToArray());
        var response = responses[Math.Min(_next++, responses.Length - 1)]();
        response.AsSpan(0, Math.Min(response.Length, readBuffer.Length)).CopyTo(readBuffer);
    }

    public override void Write(ReadOnlySpan<byte> buffer) => Writes.Add(buffer.ToArray());

    public override void Read(Span<byte> buffer) => throw new IOException("read without command is not used by the MLX90614");

    public override byte ReadByte() => throw new IOException("read without command is not used by the MLX90614");

    public override void WriteByte(byte value) => throw new IOException("single-byte write is not used by the MLX90614");
}
