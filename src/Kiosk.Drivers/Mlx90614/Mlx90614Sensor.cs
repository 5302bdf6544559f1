using System.Device.I2c;
using UnitsNet;

namespace Kiosk.Drivers.Mlx90614;

/// <summary>
/// MLX90614 infrared thermometer over SMBus (I²C), with Packet Error Code checking.
/// </summary>
/// <remarks>
/// Every read is one <see cref="I2cDevice.WriteRead"/> of the command byte followed by three bytes (LSB, MSB, PEC).
/// A read is accepted only when the PEC matches the CRC-8 of address+W, command, address+R, LSB, MSB,
/// the error flag (bit 15) of a temperature word is clear, and the value lies inside the chip's range;
/// otherwise it is retried, at most <c>readAttempts</c> times in all.
/// </remarks>
public sealed class Mlx90614Sensor : IDisposable
{
    /// <summary>The factory SMBus address.</summary>
    public const byte DefaultI2cAddress = 0x5A;

    /// <summary>Resolution of the temperature registers: 0.02 K per LSB.</summary>
    public const double KelvinPerLsb = 0.02;

    /// <summary>Time the chip needs for an EEPROM erase or write (datasheet: 5 ms).</summary>
    public static readonly TimeSpan EepromWriteTime = TimeSpan.FromMilliseconds(5);

    private const double KelvinOffset = 273.15;

    // Chip ranges as raw words: TA −40…125 °C, TO −70…380 °C (datasheet, "Maximum ratings" / "Temperature ranges").
    private static readonly (ushort Min, ushort Max) AmbientRange = (CelsiusToRaw(-40.0), CelsiusToRaw(125.0));
    private static readonly (ushort Min, ushort Max) ObjectRange = (CelsiusToRaw(-70.0), CelsiusToRaw(380.0));

    private readonly I2cDevice _device;
    private readonly TimeProvider _timeProvider;
    private readonly int _readAttempts;
    private readonly bool _shouldDispose;
    private readonly byte _address;

    private long _transfers;
    private long _busErrors;
    private long _pecMismatches;
    private long _errorFlags;
    private long _outOfRange;
    private long _failedReads;

    /// <summary>Creates a driver on an open I²C device.</summary>
    /// <param name="device">The device; its <see cref="I2cConnectionSettings.DeviceAddress"/> enters the PEC.</param>
    /// <param name="timeProvider">Clock for EEPROM write waits; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="readAttempts">Attempts per read (1…10).</param>
    /// <param name="shouldDispose">Dispose <paramref name="device"/> with this driver.</param>
    public Mlx90614Sensor(I2cDevice device, TimeProvider? timeProvider = null, int readAttempts = 3, bool shouldDispose = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfLessThan(readAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(readAttempts, 10);
        _device = device;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _readAttempts = readAttempts;
        _shouldDispose = shouldDispose;
        _address = (byte)device.ConnectionSettings.DeviceAddress;
    }

    /// <summary>Counters since creation.</summary>
    public Mlx90614Statistics Statistics => new(
        Interlocked.Read(ref _transfers),
        Interlocked.Read(ref _busErrors),
        Interlocked.Read(ref _pecMismatches),
        Interlocked.Read(ref _errorFlags),
        Interlocked.Read(ref _outOfRange),
        Interlocked.Read(ref _failedReads));

    /// <summary>Converts a temperature word to °C (0.02 K per LSB).</summary>
    public static double RawToCelsius(ushort raw) => raw * KelvinPerLsb - KelvinOffset;

    /// <summary>Converts °C to the nearest temperature word (clamped to 0…0x7FFF).</summary>
    public static ushort CelsiusToRaw(double celsius) =>
        (ushort)Math.Clamp(Math.Round((celsius + KelvinOffset) / KelvinPerLsb, MidpointRounding.AwayFromZero), 0, 0x7FFF);

    /// <summary>Reads T<sub>A</sub> (RAM 0x06).</summary>
    /// <exception cref="Mlx90614Exception">Every attempt failed.</exception>
    public Temperature ReadAmbientTemperature() => Temperature.FromDegreesCelsius(ReadTemperatureOrThrow(RamRegister.Ta));

    /// <summary>Reads T<sub>OBJ1</sub> (RAM 0x07).</summary>
    /// <exception cref="Mlx90614Exception">Every attempt failed.</exception>
    public Temperature ReadObjectTemperature() => Temperature.FromDegreesCelsius(ReadTemperatureOrThrow(RamRegister.Tobj1));

    /// <summary>Reads T<sub>A</sub> (RAM 0x06) without throwing.</summary>
    public Mlx90614ReadStatus TryReadAmbientTemperature(out double celsius) => TryReadTemperature(RamRegister.Ta, out celsius);

    /// <summary>Reads T<sub>OBJ1</sub> (RAM 0x07) without throwing.</summary>
    public Mlx90614ReadStatus TryReadObjectTemperature(out double celsius) => TryReadTemperature(RamRegister.Tobj1, out celsius);

    /// <summary>Reads a temperature register (T<sub>A</sub>, T<sub>OBJ1</sub>, T<sub>OBJ2</sub>) in °C without throwing.</summary>
    public Mlx90614ReadStatus TryReadTemperature(RamRegister register, out double celsius)
    {
        var range = register switch
        {
            RamRegister.Ta => AmbientRange,
            RamRegister.Tobj1 or RamRegister.Tobj2 => ObjectRange,
            _ => throw new ArgumentOutOfRangeException(nameof(register), register, "not a temperature register"),
        };

        var status = TryReadWord((byte)register, checkErrorFlag: true, range.Min, range.Max, out var raw);
        celsius = status == Mlx90614ReadStatus.Ok ? RawToCelsius(raw) : double.NaN;
        return status;
    }

    /// <summary>Reads a RAM word as is (PEC checked; the error flag is checked only for temperature registers).</summary>
    public Mlx90614ReadStatus TryReadRam(RamRegister register, out ushort raw)
    {
        var temperature = register is RamRegister.Ta or RamRegister.Tobj1 or RamRegister.Tobj2;
        return TryReadWord((byte)register, temperature, 0, ushort.MaxValue, out raw);
    }

    /// <summary>Reads an EEPROM word (PEC checked).</summary>
    public Mlx90614ReadStatus TryReadEeprom(EepromRegister register, out ushort raw) =>
        TryReadWord((byte)register, checkErrorFlag: false, 0, ushort.MaxValue, out raw);

    /// <summary>Reads the flags word (EEBUSY, EE_DEAD, INIT).</summary>
    /// <exception cref="Mlx90614Exception">Every attempt failed.</exception>
    public Mlx90614Flags ReadFlags() =>
        (Mlx90614Flags)ReadWordOrThrow((byte)Mlx90614Command.ReadFlags, checkErrorFlag: false);

    /// <summary>Reads the emissivity coefficient (EEPROM 0x04) as ε in (0, 1].</summary>
    /// <exception cref="Mlx90614Exception">Every attempt failed.</exception>
    public double ReadEmissivity() => ReadWordOrThrow((byte)EepromRegister.Emissivity, checkErrorFlag: false) / 65535.0;

    /// <summary>
    /// Writes the emissivity coefficient (EEPROM 0x04) to <c>round(65535 × ε)</c>: erase (write 0), wait 5 ms,
    /// write the value, wait 5 ms, read back and compare. Writes carry a PEC. EEPROM endurance is limited
    /// (the datasheet guarantees a few ten thousand cycles): call this once at commissioning, never per measurement.
    /// The chip's object reading is calibrated for ε = 1.0; change it only to match a known surface.
    /// </summary>
    /// <param name="emissivity">ε in [0.1, 1.0].</param>
    /// <param name="cancellationToken">Cancels between steps (a half-done write leaves the cell erased).</param>
    /// <exception cref="Mlx90614Exception">A write was refused or the read-back differs.</exception>
    public async Task WriteEmissivityAsync(double emissivity, CancellationToken cancellationToken)
    {
        if (!(emissivity >= 0.1 && emissivity <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(emissivity), emissivity, "emissivity must be within 0.1…1.0");
        }

        var value = (ushort)Math.Round(emissivity * 65535.0, MidpointRounding.AwayFromZero);
        await WriteEepromAsync(EepromRegister.Emissivity, value, cancellationToken);
    }

    /// <summary>Erase-then-write of one user EEPROM cell, with read-back.</summary>
    internal async Task WriteEepromAsync(EepromRegister register, ushort value, CancellationToken cancellationToken)
    {
        WriteWord((byte)register, 0x0000);
        await Task.Delay(EepromWriteTime, _timeProvider, cancellationToken);
        WriteWord((byte)register, value);
        await Task.Delay(EepromWriteTime, _timeProvider, cancellationToken);
        var readBack = ReadWordOrThrow((byte)register, checkErrorFlag: false);
        if (readBack != value)
        {
            throw new Mlx90614Exception(Mlx90614ReadStatus.VerifyFailed, $"EEPROM 0x{(byte)register:X2} reads back 0x{readBack:X4}, wrote 0x{value:X4}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_shouldDispose)
        {
            _device.Dispose();
        }
    }

    private void WriteWord(byte command, ushort value)
    {
        var lsb = (byte)value;
        var msb = (byte)(value >> 8);
        Span<byte> frame = [command, lsb, msb, SmbusPec.ForWriteWord(_address, command, lsb, msb)];
        try
        {
            _device.Write(frame);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            throw new Mlx90614Exception(Mlx90614ReadStatus.BusError, $"write of 0x{command:X2} failed: {ex.Message}", ex);
        }
    }

    private double ReadTemperatureOrThrow(RamRegister register)
    {
        var status = TryReadTemperature(register, out var celsius);
        return status == Mlx90614ReadStatus.Ok
            ? celsius
            : throw new Mlx90614Exception(status, $"read of {register} failed after {_readAttempts} attempts: {status}");
    }

    private ushort ReadWordOrThrow(byte command, bool checkErrorFlag)
    {
        var status = TryReadWord(command, checkErrorFlag, 0, ushort.MaxValue, out var raw);
        return status == Mlx90614ReadStatus.Ok
            ? raw
            : throw new Mlx90614Exception(status, $"read of 0x{command:X2} failed after {_readAttempts} attempts: {status}");
    }

    private Mlx90614ReadStatus TryReadWord(byte command, bool checkErrorFlag, ushort min, ushort max, out ushort raw)
    {
        Span<byte> write = [command];
        Span<byte> read = stackalloc byte[3];
        var status = Mlx90614ReadStatus.BusError;
        for (var attempt = 0; attempt < _readAttempts; attempt++)
        {
            Interlocked.Increment(ref _transfers);
            try
            {
                _device.WriteRead(write, read);
            }
            catch (Exception ex) when (ex is IOException or TimeoutException)
            {
                Interlocked.Increment(ref _busErrors);
                status = Mlx90614ReadStatus.BusError;
                continue;
            }

            if (SmbusPec.ForReadWord(_address, command, read[0], read[1]) != read[2])
            {
                Interlocked.Increment(ref _pecMismatches);
                status = Mlx90614ReadStatus.PecMismatch;
                continue;
            }

            var word = (ushort)(read[0] | (read[1] << 8));
            if (checkErrorFlag && (word & 0x8000) != 0)
            {
                Interlocked.Increment(ref _errorFlags);
                status = Mlx90614ReadStatus.ErrorFlag;
                continue;
            }

            if (word < min || word > max)
            {
                Interlocked.Increment(ref _outOfRange);
                status = Mlx90614ReadStatus.OutOfRange;
                continue;
            }

            raw = word;
            return Mlx90614ReadStatus.Ok;
        }

        Interlocked.Increment(ref _failedReads);
        raw = 0;
        return status;
    }
}
