using Kiosk.Drivers.Mlx90614;

namespace Kiosk.Drivers.Tests.Mlx90614;

public class Mlx90614SensorTests
{
    private static readonly byte[] DatasheetResponse = [0xD2, 0x3A, 0x30];

    [Fact]
    public void DatasheetTransferIsAValidReadOf0x3AD2()
    {
        var device = new ScriptedI2cDevice(0x5A, () => DatasheetResponse);
        using var sensor = new Mlx90614Sensor(device);

        Assert.Equal(Mlx90614ReadStatus.Ok, sensor.TryReadRam(RamRegister.Tobj1, out var raw));
        Assert.Equal(0x3AD2, raw);
        // 0x3AD2 = 15,058 LSB x 0.02 K = 301.16 K = 28.01 °C. (The issue text says 14,290 / 12.65 °C:
        // that is 0x37D2, whose PEC would differ; the bytes on the wire decide.)
        Assert.Equal(15058, raw);
        Assert.Equal(28.01, Mlx90614Sensor.RawToCelsius(raw), 6);
        Assert.Equal([0x07], device.Commands.Single());
    }

    [Fact]
    public void ObjectTemperatureOfDatasheetTransferIs28Point01C()
    {
        using var sensor = new Mlx90614Sensor(new ScriptedI2cDevice(0x5A, () => DatasheetResponse));
        Assert.Equal(28.01, sensor.ReadObjectTemperature().DegreesCelsius, 6);
    }

    [Fact]
    public void WrongPecIsRetriedAndTheNextGoodReadAccepted()
    {
        var device = new ScriptedI2cDevice(0x5A, () => [0xD2, 0x3A, 0x31], () => DatasheetResponse);
        using var sensor = new Mlx90614Sensor(device, readAttempts: 3);

        Assert.Equal(Mlx90614ReadStatus.Ok, sensor.TryReadObjectTemperature(out var celsius));
        Assert.Equal(28.01, celsius, 6);
        Assert.Equal(2, device.Commands.Count);
        Assert.Equal(1, sensor.Statistics.PecMismatches);
    }

    [Fact]
    public void PecDependsOnTheAddress()
    {
        // The same bytes from a chip at 0x5B are not a valid read: the address enters the PEC.
        using var sensor = new Mlx90614Sensor(new ScriptedI2cDevice(0x5B, () => DatasheetResponse), readAttempts: 1);
        Assert.Equal(Mlx90614ReadStatus.PecMismatch, sensor.TryReadObjectTemperature(out _));
    }

    [Fact]
    public void ErrorFlagWithValidPecIsRejected()
    {
        // 0x8000 with a correct PEC: the binding that ignores the flag reports -928.51 °C.
        var pec = SmbusPec.ForReadWord(0x5A, 0x07, 0x00, 0x80);
        using var sensor = new Mlx90614Sensor(new ScriptedI2cDevice(0x5A, () => [0x00, 0x80, pec]), readAttempts: 2);

        Assert.Equal(Mlx90614ReadStatus.ErrorFlag, sensor.TryReadObjectTemperature(out var celsius));
        Assert.True(double.IsNaN(celsius));
        Assert.Equal(2, sensor.Statistics.ErrorFlags);
        Assert.Equal(1, sensor.Statistics.FailedReads);
        var ex = Assert.Throws<Mlx90614Exception>(() => sensor.ReadObjectTemperature());
        Assert.Equal(Mlx90614ReadStatus.ErrorFlag, ex.Status);
    }

    [Fact]
    public void RetriesAreBounded()
    {
        var device = new ScriptedI2cDevice(0x5A, () => throw new IOException("NACK"));
        using var sensor = new Mlx90614Sensor(device, readAttempts: 4);

        Assert.Equal(Mlx90614ReadStatus.BusError, sensor.TryReadAmbientTemperature(out _));
        Assert.Equal(4, device.Commands.Count);
        Assert.Equal(4, sensor.Statistics.BusErrors);
    }

    [Fact]
    public void ValueOutsideTheChipRangeIsRejectedEvenWithValidPec()
    {
        // 0x0100 = -268 °C: PEC-valid but impossible for TA.
        var pec = SmbusPec.ForReadWord(0x5A, 0x06, 0x00, 0x01);
        using var sensor = new Mlx90614Sensor(new ScriptedI2cDevice(0x5A, () => [0x00, 0x01, pec]), readAttempts: 1);
        Assert.Equal(Mlx90614ReadStatus.OutOfRange, sensor.TryReadAmbientTemperature(out _));
    }

    [Fact]
    public void ReadsTaFromRam06AndTobj1FromRam07()
    {
        var device = new ScriptedI2cDevice(0x5A, () => Word(0x5A, 0x06, 0x3AD2), () => Word(0x5A, 0x07, 0x3AD2));
        using var sensor = new Mlx90614Sensor(device);
        sensor.ReadAmbientTemperature();
        sensor.ReadObjectTemperature();
        Assert.Equal([[0x06], [0x07]], device.Commands);
    }

    [Fact]
    public void ReadsEmissivityFromEeprom0x24()
    {
        var device = new ScriptedI2cDevice(0x5A, () => Word(0x5A, 0x24, 0xFAE1));
        using var sensor = new Mlx90614Sensor(device);
        Assert.Equal(0xFAE1 / 65535.0, sensor.ReadEmissivity(), 9);
        Assert.Equal([0x24], device.Commands.Single());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public async Task EmissivityOutsideRangeIsRefused(double emissivity)
    {
        var device = new ScriptedI2cDevice(0x5A, () => DatasheetResponse);
        using var sensor = new Mlx90614Sensor(device);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sensor.WriteEmissivityAsync(emissivity, CancellationToken.None));
        Assert.Empty(device.Writes);
    }

    [Fact]
    public void CelsiusRawRoundTrip()
    {
        for (var c = -40.0; c <= 125.0; c += 0.37)
        {
            Assert.Equal(c, Mlx90614Sensor.RawToCelsius(Mlx90614Sensor.CelsiusToRaw(c)), 0.011);
        }
    }

    private static byte[] Word(int address, byte command, ushort value) =>
        [(byte)value, (byte)(value >> 8), SmbusPec.ForReadWord(address, command, (byte)value, (byte)(value >> 8))];
}
