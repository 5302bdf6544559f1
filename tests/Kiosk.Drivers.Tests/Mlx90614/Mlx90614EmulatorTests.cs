using Kiosk.Drivers.Mlx90614;
using Kiosk.Service.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Drivers.Tests.Mlx90614;

public class Mlx90614EmulatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ReportsSceneThroughTheDriver()
    {
        var chip = new Mlx90614Emulator(_time) { ObjectTemperatureC = 34.2, AmbientTemperatureC = 21.5 };
        _time.Advance(TimeSpan.FromMilliseconds(100));
        using var sensor = new Mlx90614Sensor(chip);

        Assert.Equal(34.2, sensor.ReadObjectTemperature().DegreesCelsius, 0.011);
        Assert.Equal(21.5, sensor.ReadAmbientTemperature().DegreesCelsius, 0.011);
        Assert.Equal(0, sensor.Statistics.Rejected);
    }

    [Fact]
    public void ReadBetweenUpdatesReturnsThePreviousValue()
    {
        var chip = new Mlx90614Emulator(_time) { ObjectTemperatureC = 30.0 };
        _time.Advance(TimeSpan.FromMilliseconds(100));
        using var sensor = new Mlx90614Sensor(chip);
        Assert.Equal(30.0, sensor.ReadObjectTemperature().DegreesCelsius, 0.011);

        chip.ObjectTemperatureC = 35.0;
        _time.Advance(TimeSpan.FromMilliseconds(60));
        Assert.Equal(30.0, sensor.ReadObjectTemperature().DegreesCelsius, 0.011);

        _time.Advance(TimeSpan.FromMilliseconds(40));
        Assert.Equal(35.0, sensor.ReadObjectTemperature().DegreesCelsius, 0.011);
    }

    [Fact]
    public void SceneFunctionIsSampledAtTheRefreshInstant()
    {
        var start = _time.GetUtcNow();
        var chip = new Mlx90614Emulator(_time)
        {
            UpdatePeriod = TimeSpan.FromMilliseconds(250),
            Scene = at => (at - start >= TimeSpan.FromSeconds(1) ? 34.0 : 22.0, 22.0),
        };
        using var sensor = new Mlx90614Sensor(chip);

        _time.Advance(TimeSpan.FromMilliseconds(990));
        Assert.Equal(22.0, sensor.ReadObjectTemperature().DegreesCelsius, 0.011);
        _time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal(34.0, sensor.ReadObjectTemperature().DegreesCelsius, 0.011);
    }

    [Fact]
    public void NackThrowsIOExceptionLikeARealBus()
    {
        var chip = new Mlx90614Emulator(_time) { FaultRate = 1, FaultKinds = Mlx90614Fault.Nack };
        Span<byte> read = stackalloc byte[3];
        try
        {
            chip.WriteRead([0x07], read);
            Assert.Fail("expected IOException");
        }
        catch (IOException ex)
        {
            Assert.Contains("acknowledge", ex.Message);
        }

        using var sensor = new Mlx90614Sensor(chip, readAttempts: 3);
        Assert.Equal(Mlx90614ReadStatus.BusError, sensor.TryReadObjectTemperature(out _));
        Assert.Equal(3, sensor.Statistics.BusErrors);
        Assert.Equal(4, chip.InjectedFaults(Mlx90614Fault.Nack));
    }

    [Fact]
    public void BusTimeoutThrowsIOException()
    {
        var chip = new Mlx90614Emulator(_time) { FaultRate = 1, FaultKinds = Mlx90614Fault.BusTimeout };
        var ex = Assert.Throws<IOException>(() => chip.WriteRead([0x07], new byte[3]));
        Assert.Contains("timed out", ex.Message);
        using var sensor = new Mlx90614Sensor(chip, readAttempts: 2);
        Assert.Equal(Mlx90614ReadStatus.BusError, sensor.TryReadAmbientTemperature(out _));
    }

    [Fact]
    public void WrongPecIsDetectedEveryTime()
    {
        var chip = new Mlx90614Emulator(_time, seed: 3) { ObjectTemperatureC = 33.0, FaultRate = 1, FaultKinds = Mlx90614Fault.WrongPec };
        using var sensor = new Mlx90614Sensor(chip, readAttempts: 1);
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(Mlx90614ReadStatus.PecMismatch, sensor.TryReadObjectTemperature(out _));
        }

        Assert.Equal(500, chip.InjectedFaults(Mlx90614Fault.WrongPec));
    }

    [Fact]
    public void ErrorFlagIsSentWithAValidPecAndRejected()
    {
        var chip = new Mlx90614Emulator(_time) { FaultRate = 1, FaultKinds = Mlx90614Fault.ErrorFlag };
        var read = new byte[3];
        chip.WriteRead([0x07], read);
        Assert.Equal(new byte[] { 0x00, 0x80, SmbusPec.ForReadWord(0x5A, 0x07, 0x00, 0x80) }, read);

        using var sensor = new Mlx90614Sensor(chip, readAttempts: 2);
        Assert.Equal(Mlx90614ReadStatus.ErrorFlag, sensor.TryReadObjectTemperature(out _));
    }

    [Fact]
    public void TheStockBindingTurnsTheErrorFlagIntoMinus928()
    {
        var chip = new Mlx90614Emulator(_time) { FaultRate = 1, FaultKinds = Mlx90614Fault.ErrorFlag };
        using var binding = new Iot.Device.Mlx90614.Mlx90614(chip);
        Assert.Equal(-928.51, binding.ReadObjectTemperature().DegreesCelsius, 0.001);
    }

    [Fact]
    public void StuckValueFreezesTheRamForStuckDuration()
    {
        var chip = new Mlx90614Emulator(_time) { ObjectTemperatureC = 30.0, StuckDuration = TimeSpan.FromSeconds(1) };
        _time.Advance(chip.UpdatePeriod);
        using var sensor = new Mlx90614Sensor(chip);
        chip.FaultKinds = Mlx90614Fault.StuckValue;
        chip.FaultRate = 1;
        Assert.Equal(30.0, sensor.ReadObjectTemperature().DegreesCelsius, 0.011);
        chip.FaultRate = 0;

        chip.ObjectTemperatureC = 36.0;
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(30.0, sensor.ReadObjectTemperature().DegreesCelsius, 0.011);
        Assert.Equal(0, sensor.Statistics.Rejected);

        _time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal(36.0, sensor.ReadObjectTemperature().DegreesCelsius, 0.011);
    }

    [Fact]
    public void FaultsFollowTheRateAndTheSeed()
    {
        var a = new Mlx90614Emulator(_time, seed: 42) { FaultRate = 0.1 };
        var b = new Mlx90614Emulator(_time, seed: 42) { FaultRate = 0.1 };
        var faultsA = new List<Mlx90614Fault>();
        var faultsB = new List<Mlx90614Fault>();
        for (var i = 0; i < 10_000; i++)
        {
            faultsA.Add(Transfer(a));
            faultsB.Add(Transfer(b));
        }

        Assert.Equal(faultsA, faultsB);
        var injected = faultsA.Count(f => f != Mlx90614Fault.None);
        Assert.InRange(injected, 850, 1150);
        Assert.All(
            [Mlx90614Fault.Nack, Mlx90614Fault.WrongPec, Mlx90614Fault.ErrorFlag, Mlx90614Fault.BusTimeout],
            kind => Assert.InRange(faultsA.Count(f => f == kind), 150, 350));
        Assert.DoesNotContain(Mlx90614Fault.StuckValue, faultsA);
    }

    [Fact]
    public void DriverNeverAcceptsACorruptedValue()
    {
        var chip = new Mlx90614Emulator(_time, seed: 9) { ObjectTemperatureC = 34.5, AmbientTemperatureC = 22.0, FaultRate = 0.3 };
        _time.Advance(chip.UpdatePeriod);
        using var sensor = new Mlx90614Sensor(chip, readAttempts: 3);
        var expected = Mlx90614Sensor.RawToCelsius(Mlx90614Sensor.CelsiusToRaw(34.5));
        var ok = 0;
        for (var i = 0; i < 5_000; i++)
        {
            if (sensor.TryReadObjectTemperature(out var c) == Mlx90614ReadStatus.Ok)
            {
                Assert.Equal(expected, c, 9);
                ok++;
            }
        }

        Assert.True(ok > 4_500, $"only {ok} reads succeeded");
        Assert.True(sensor.Statistics.Rejected > 1_000);
    }

    [Fact]
    public async Task EmissivityEraseThenWriteThroughTheDriver()
    {
        var chip = new Mlx90614Emulator(_time);
        using var sensor = new Mlx90614Sensor(chip, _time);
        Assert.Equal(1.0, sensor.ReadEmissivity(), 9);

        var start = _time.GetUtcNow();
        var write = sensor.WriteEmissivityAsync(0.98, CancellationToken.None);
        Assert.False(write.IsCompleted);
        Assert.Equal(0, chip.PeekEeprom(EepromRegister.Emissivity)); // erased, waiting 5 ms
        await DriveAsync(write);
        Assert.True(write.IsCompletedSuccessfully);
        Assert.True(_time.GetUtcNow() - start >= TimeSpan.FromMilliseconds(10)); // two 5 ms write cycles on the fake clock

        Assert.Equal(64224, chip.PeekEeprom(EepromRegister.Emissivity));
        Assert.Equal(0.98, sensor.ReadEmissivity(), 4);
    }

    [Fact]
    public void EepromWriteWithoutEraseCorruptsTheCell()
    {
        var chip = new Mlx90614Emulator(_time);
        Write(chip, 0x24, 0x0000);
        _time.Advance(TimeSpan.FromMilliseconds(5));
        Write(chip, 0x24, 0x00F0);
        _time.Advance(TimeSpan.FromMilliseconds(5));
        Write(chip, 0x24, 0x0F00);
        Assert.Equal(0x0FF0, chip.PeekEeprom(EepromRegister.Emissivity));
    }

    [Fact]
    public void EepromRefusesWritesWhileBusyWithBadPecAndToReadOnlyCells()
    {
        var chip = new Mlx90614Emulator(_time);
        Write(chip, 0x24, 0x0000);
        Assert.Throws<IOException>(() => Write(chip, 0x24, 0xFAE1)); // within the 5 ms cycle
        _time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Throws<IOException>(() => chip.Write([0x24, 0xE1, 0xFA, 0x00])); // wrong PEC
        Assert.Equal(0, chip.PeekEeprom(EepromRegister.Emissivity));
        Assert.Throws<IOException>(() => Write(chip, 0x3C, 0x0000)); // ID number is read only
        Assert.Throws<IOException>(() => Write(chip, 0x07, 0x0000)); // RAM is not writable
    }

    [Fact]
    public async Task EmissivityCompensationMatchesTheSurface()
    {
        var chip = new Mlx90614Emulator(_time) { ObjectTemperatureC = 34.0, AmbientTemperatureC = 22.0, SurfaceEmissivity = 0.98 };
        using var sensor = new Mlx90614Sensor(chip, _time);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        var uncompensated = sensor.ReadObjectTemperature().DegreesCelsius;
        Assert.InRange(uncompensated, 33.5, 33.9); // ε = 1.0 in EEPROM under-reads a 0.98 surface

        await DriveAsync(sensor.WriteEmissivityAsync(0.98, CancellationToken.None));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(34.0, sensor.ReadObjectTemperature().DegreesCelsius, 0.021);
    }

    [Fact]
    public void HoldsTheDatasheetRegisters()
    {
        var chip = new Mlx90614Emulator(_time, address: 0x5A) { ObjectTemperatureC = 36.0, AmbientTemperatureC = 20.0 };
        using var sensor = new Mlx90614Sensor(chip);
        Assert.Equal(Mlx90614ReadStatus.Ok, sensor.TryReadEeprom(EepromRegister.SmbusAddress, out var address));
        Assert.Equal(0x5A, address & 0xFF);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(Mlx90614ReadStatus.Ok, sensor.TryReadRam(RamRegister.Tobj2, out var tobj2));
        Assert.Equal(chip.PeekRam(RamRegister.Tobj1), tobj2);
        Assert.Equal(Mlx90614ReadStatus.Ok, sensor.TryReadRam(RamRegister.RawIrChannel1, out var rawIr));
        Assert.True((short)rawIr > 0); // object warmer than ambient
        Assert.Equal(Mlx90614Flags.None, sensor.ReadFlags());
        Assert.Throws<IOException>(() => chip.WriteRead([0x10], new byte[3]));
    }

    // Advances the fake clock 1 ms at a time while the task runs (at most 10 virtual seconds), pausing 1 ms after each
    // step (its continuations may run on the pool).
    private async Task DriveAsync(Task task)
    {
        await Poll.UntilAsync(
            () => task.IsCompleted,
            "the task to end",
            TimeSpan.FromSeconds(10),
            changed: _ =>
            {
                _time.Advance(TimeSpan.FromMilliseconds(1));
                return Task.Delay(1);
            },
            clock: _time);
        await task;
    }

    private static Mlx90614Fault Transfer(Mlx90614Emulator chip)
    {
        try
        {
            chip.WriteRead([0x07], new byte[3]);
        }
        catch (IOException)
        {
        }

        return chip.LastFault;
    }

    private static void Write(Mlx90614Emulator chip, byte command, ushort value) =>
        chip.Write([command, (byte)value, (byte)(value >> 8), SmbusPec.ForWriteWord(0x5A, command, (byte)value, (byte)(value >> 8))]);
}
