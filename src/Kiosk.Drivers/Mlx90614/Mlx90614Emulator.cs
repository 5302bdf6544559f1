using System.Device.I2c;

namespace Kiosk.Drivers.Mlx90614;

/// <summary>
/// A simulated MLX90614 on a simulated I²C bus: speaks the chip's SMBus protocol (read word with PEC, EEPROM
/// erase/write with PEC and a 5 ms write cycle), holds its RAM and EEPROM, refreshes its readings at the chip's
/// output rate on the injected <see cref="TimeProvider"/>, and injects faults at a configurable rate.
/// </summary>
/// <remarks>
/// <para>The scene (what is in front of the chip) is <see cref="ObjectTemperatureC"/> and <see cref="AmbientTemperatureC"/>,
/// or <see cref="Scene"/> when set. With nothing in front, the object is the background at ambient temperature.</para>
/// <para>RAM refreshes every <see cref="UpdatePeriod"/> (default 100 ms); a read between refreshes returns the value of
/// the last refresh. Refreshes are computed lazily, at the next transfer: <see cref="Scene"/> is evaluated at the
/// refresh instant, while the <see cref="ObjectTemperatureC"/>/<see cref="AmbientTemperatureC"/> properties count with
/// the values they hold at that transfer.</para>
/// <para>The reported object temperature follows the chip's emissivity compensation:
/// T<sub>rep</sub>⁴ = T<sub>A</sub>⁴ + (ε<sub>surface</sub>/ε<sub>EEPROM</sub>)(T<sub>obj</sub>⁴ − T<sub>A</sub>⁴), in kelvin; with
/// <see cref="SurfaceEmissivity"/> equal to the EEPROM value (both 1.0 by default) it reports the object temperature.
/// Raw IR words are illustrative (proportional to T<sub>obj</sub>⁴ − T<sub>A</sub>⁴), not calibrated.</para>
/// <para>Thread-safe: the scene may be changed from another thread while the driver reads.</para>
/// </remarks>
public sealed class Mlx90614Emulator : I2cDevice
{
    private const double KelvinOffset = 273.15;

    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly Random _random;
    private readonly ushort[] _ram = new ushort[0x20];
    private readonly ushort[] _eeprom = new ushort[0x20];
    private readonly long[] _faultCounts = new long[5];

    private DateTimeOffset _lastUpdate;
    private DateTimeOffset _stuckUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _eepromBusyUntil = DateTimeOffset.MinValue;
    private TimeSpan _updatePeriod = TimeSpan.FromMilliseconds(100);
    private double _objectC = 22.0;
    private double _ambientC = 22.0;
    private double _faultRate;
    private long _transfers;

    /// <summary>Creates a chip at <paramref name="address"/> on bus <paramref name="busId"/>, powered up now.</summary>
    /// <param name="timeProvider">The clock that drives refreshes and the EEPROM write cycle.</param>
    /// <param name="seed">Seed of the fault-injection and noise generator.</param>
    /// <param name="busId">Reported in <see cref="ConnectionSettings"/>.</param>
    /// <param name="address">The SMBus address the chip answers at (also stored in EEPROM 0x0E).</param>
    public Mlx90614Emulator(TimeProvider timeProvider, int seed = 0, int busId = 1, int address = Mlx90614Sensor.DefaultI2cAddress)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _random = new Random(seed);
        ConnectionSettings = new I2cConnectionSettings(busId, address);

        // Factory EEPROM: To range 0…~380 °C, emissivity 1.0, config as shipped, address, an ID.
        _eeprom[0x00] = 0x9993;
        _eeprom[0x01] = 0x62E3;
        _eeprom[0x02] = 0x0201;
        _eeprom[0x03] = 0xF71C;
        _eeprom[0x04] = 0xFFFF;
        _eeprom[0x05] = 0x9FB4;
        _eeprom[0x0E] = (ushort)(0xBE00 | address);
        _eeprom[0x1C] = 0x1A2B;
        _eeprom[0x1D] = 0x3C4D;
        _eeprom[0x1E] = 0x5E6F;
        _eeprom[0x1F] = 0x7081;

        _lastUpdate = timeProvider.GetUtcNow();
        Refresh(_lastUpdate);
    }

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>Temperature of whatever is in front of the sensor, °C (a forehead, or the background).</summary>
    public double ObjectTemperatureC
    {
        get { lock (_gate) { return _objectC; } }
        set { lock (_gate) { _objectC = value; } }
    }

    /// <summary>Ambient (die) temperature, °C.</summary>
    public double AmbientTemperatureC
    {
        get { lock (_gate) { return _ambientC; } }
        set { lock (_gate) { _ambientC = value; } }
    }

    /// <summary>When set, the scene at an instant (overrides <see cref="ObjectTemperatureC"/> and <see cref="AmbientTemperatureC"/>).</summary>
    public Func<DateTimeOffset, (double ObjectC, double AmbientC)>? Scene { get; set; }

    /// <summary>Standard deviation of Gaussian noise added to the object temperature at each refresh, °C (default 0).</summary>
    public double ObjectNoiseC { get; set; }

    /// <summary>Emissivity of the surface in front of the chip (default 1.0, matching the factory EEPROM).</summary>
    public double SurfaceEmissivity { get; set; } = 1.0;

    /// <summary>RAM refresh period (the chip's output rate; default 100 ms).</summary>
    public TimeSpan UpdatePeriod
    {
        get { lock (_gate) { return _updatePeriod; } }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            lock (_gate) { _updatePeriod = value; }
        }
    }

    /// <summary>Probability that a read transfer suffers one of <see cref="FaultKinds"/> (0…1).</summary>
    public double FaultRate
    {
        get { lock (_gate) { return _faultRate; } }
        set
        {
            if (!(value >= 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "fault rate must be within 0…1");
            }

            lock (_gate) { _faultRate = value; }
        }
    }

    /// <summary>Kinds drawn from (uniformly) when a fault is injected; default <see cref="Mlx90614Fault.TransferFaults"/>.</summary>
    public Mlx90614Fault FaultKinds { get; set; } = Mlx90614Fault.TransferFaults;

    /// <summary>How long the RAM stays frozen after a <see cref="Mlx90614Fault.StuckValue"/> fault (default 1 s).</summary>
    public TimeSpan StuckDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The fault injected into the most recent transfer (<see cref="Mlx90614Fault.None"/> when it was clean).</summary>
    public Mlx90614Fault LastFault { get; private set; }

    /// <summary>Read and write transfers seen.</summary>
    public long Transfers => Interlocked.Read(ref _transfers);

    /// <summary>Faults of <paramref name="kind"/> injected so far (one kind, not a combination).</summary>
    public long InjectedFaults(Mlx90614Fault kind)
    {
        if (kind == Mlx90614Fault.None || !System.Numerics.BitOperations.IsPow2((int)kind) || kind > Mlx90614Fault.BusTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "one fault kind");
        }

        return Interlocked.Read(ref _faultCounts[System.Numerics.BitOperations.TrailingZeroCount((int)kind)]);
    }

    /// <summary>What the chip holds in a RAM register now (after refreshing to the current time), bypassing the bus.</summary>
    public ushort PeekRam(RamRegister register)
    {
        lock (_gate)
        {
            Advance(_timeProvider.GetUtcNow());
            return _ram[(byte)register & 0x1F];
        }
    }

    /// <summary>What the chip holds in an EEPROM cell, bypassing the bus.</summary>
    public ushort PeekEeprom(EepromRegister register)
    {
        lock (_gate)
        {
            return _eeprom[(byte)register & 0x1F];
        }
    }

    /// <inheritdoc />
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Interlocked.Increment(ref _transfers);
        if (writeBuffer.Length != 1)
        {
            LastFault = Mlx90614Fault.None;
            throw new IOException("MLX90614 NACK: a read word takes exactly one command byte");
        }

        var command = writeBuffer[0];
        byte lsb;
        byte msb;
        byte pec;
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            Advance(now);
            var fault = DrawFault();
            LastFault = fault;
            if (fault is Mlx90614Fault.Nack)
            {
                throw new IOException($"MLX90614 at 0x{ConnectionSettings.DeviceAddress:X2}: no acknowledge (injected NACK)");
            }

            if (fault is Mlx90614Fault.BusTimeout)
            {
                throw new IOException($"I2C bus {ConnectionSettings.BusId}: transfer timed out (injected)");
            }

            if (fault is Mlx90614Fault.StuckValue)
            {
                _stuckUntil = now + StuckDuration;
            }

            if (!TryReadWord(command, now, out var word))
            {
                LastFault = Mlx90614Fault.None;
                throw new IOException($"MLX90614 NACK: command 0x{command:X2} is not readable");
            }

            if (fault is Mlx90614Fault.ErrorFlag && command is (byte)RamRegister.Tobj1 or (byte)RamRegister.Tobj2 or (byte)RamRegister.Ta)
            {
                word = 0x8000;
            }

            lsb = (byte)word;
            msb = (byte)(word >> 8);
            pec = SmbusPec.ForReadWord(ConnectionSettings.DeviceAddress, command, lsb, msb);
            if (fault is Mlx90614Fault.WrongPec)
            {
                var bit = _random.Next(24);
                if (bit < 8)
                {
                    lsb ^= (byte)(1 << bit);
                }
                else if (bit < 16)
                {
                    msb ^= (byte)(1 << (bit - 8));
                }
                else
                {
                    pec ^= (byte)(1 << (bit - 16));
                }
            }
        }

        // The master decides how many bytes it clocks: two (no PEC), three (with PEC); beyond that the bus idles high.
        Span<byte> frame = [lsb, msb, pec];
        for (var i = 0; i < readBuffer.Length; i++)
        {
            readBuffer[i] = i < frame.Length ? frame[i] : (byte)0xFF;
        }
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Interlocked.Increment(ref _transfers);
        LastFault = Mlx90614Fault.None;
        if (buffer.Length != 4)
        {
            throw new IOException("MLX90614 NACK: a write word is command, LSB, MSB, PEC");
        }

        var command = buffer[0];
        var address = command & 0x1F;
        if ((command & 0xE0) != 0x20 || !IsUserWritable(address))
        {
            throw new IOException($"MLX90614 NACK: command 0x{command:X2} is not a writable EEPROM cell");
        }

        if (SmbusPec.ForWriteWord(ConnectionSettings.DeviceAddress, command, buffer[1], buffer[2]) != buffer[3])
        {
            throw new IOException("MLX90614 NACK: write PEC mismatch, cell unchanged");
        }

        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (now < _eepromBusyUntil)
            {
                throw new IOException("MLX90614 NACK: EEPROM write cycle in progress");
            }

            var value = (ushort)(buffer[1] | (buffer[2] << 8));

            // An erase writes 0x0000; writing over a cell that was not erased ORs into it (the value is corrupted).
            _eeprom[address] = value == 0 ? (ushort)0 : (ushort)(_eeprom[address] | value);
            _eepromBusyUntil = now + Mlx90614Sensor.EepromWriteTime;
        }
    }

    /// <inheritdoc />
    public override void Read(Span<byte> buffer) =>
        throw new IOException("MLX90614 NACK: the chip answers reads only after a command (use WriteRead)");

    /// <inheritdoc />
    public override byte ReadByte() =>
        throw new IOException("MLX90614 NACK: the chip answers reads only after a command (use WriteRead)");

    /// <inheritdoc />
    public override void WriteByte(byte value) =>
        throw new IOException("MLX90614 NACK: a single byte is not a complete SMBus write");

    private static bool IsUserWritable(int eepromAddress) => eepromAddress is >= 0x00 and <= 0x05 or 0x0E;

    private bool TryReadWord(byte command, DateTimeOffset now, out ushort word)
    {
        switch (command & 0xE0)
        {
            case 0x00 when (command & 0x1F) is >= 0x04 and <= 0x08:
                word = _ram[command & 0x1F];
                return true;
            case 0x20:
                word = _eeprom[command & 0x1F];
                return true;
            default:
                if (command == (byte)Mlx90614Command.ReadFlags)
                {
                    word = (ushort)(now < _eepromBusyUntil ? Mlx90614Flags.EeBusy : Mlx90614Flags.None);
                    return true;
                }

                word = 0;
                return false;
        }
    }

    private Mlx90614Fault DrawFault()
    {
        var kinds = FaultKinds;
        if (_faultRate <= 0 || kinds == Mlx90614Fault.None || _random.NextDouble() >= _faultRate)
        {
            return Mlx90614Fault.None;
        }

        Span<Mlx90614Fault> enabled = stackalloc Mlx90614Fault[5];
        var n = 0;
        for (var bit = 0; bit < 5; bit++)
        {
            if (((int)kinds & (1 << bit)) != 0)
            {
                enabled[n++] = (Mlx90614Fault)(1 << bit);
            }
        }

        var fault = enabled[_random.Next(n)];
        Interlocked.Increment(ref _faultCounts[System.Numerics.BitOperations.TrailingZeroCount((int)fault)]);
        return fault;
    }

    // Brings the RAM up to date: the latest refresh instant at or before now, unless the RAM is stuck.
    private void Advance(DateTimeOffset now)
    {
        if (now < _lastUpdate + _updatePeriod)
        {
            return;
        }

        var periods = (now - _lastUpdate).Ticks / _updatePeriod.Ticks;
        _lastUpdate += TimeSpan.FromTicks(periods * _updatePeriod.Ticks);
        if (_lastUpdate < _stuckUntil)
        {
            return;
        }

        Refresh(_lastUpdate);
    }

    private void Refresh(DateTimeOffset at)
    {
        var (objectC, ambientC) = Scene is { } scene ? scene(at) : (_objectC, _ambientC);
        if (ObjectNoiseC > 0)
        {
            objectC += ObjectNoiseC * Gaussian();
        }

        var ta = ambientC + KelvinOffset;
        var to = objectC + KelvinOffset;
        var emissivityRatio = SurfaceEmissivity / Math.Max(_eeprom[0x04] / 65535.0, 0.01);
        var radiance = Math.Pow(ta, 4) + emissivityRatio * (Math.Pow(to, 4) - Math.Pow(ta, 4));
        var reportedC = Math.Pow(Math.Max(radiance, 0), 0.25) - KelvinOffset;

        _ram[0x06] = Mlx90614Sensor.CelsiusToRaw(ambientC);
        _ram[0x07] = Mlx90614Sensor.CelsiusToRaw(reportedC);
        _ram[0x08] = _ram[0x07];
        var rawIr = (short)Math.Clamp(Math.Round((Math.Pow(to, 4) - Math.Pow(ta, 4)) * 1e-6), short.MinValue, short.MaxValue);
        _ram[0x04] = (ushort)rawIr;
        _ram[0x05] = (ushort)rawIr;
    }

    private double Gaussian()
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
