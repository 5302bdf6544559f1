using System.Device.I2c;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Temperature;
using Kiosk.Drivers.Mlx90614;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Temperature;

/// <summary>The thermometer as the host wires it, on an emulated chip and a fake clock.</summary>
internal sealed class ThermometerHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public ThermometerHarness(Dictionary<string, string?>? settings = null, int seed = 1)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        Chip = new Mlx90614Emulator(Time, seed);
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IAlerts>(Alerts);
        services.AddBodyThermometer(Configuration, _ => OpenDevice);
        _services = services.BuildServiceProvider();
        Options = _services.GetRequiredService<IOptionsMonitor<ThermometerOptions>>();
        Thermometer = _services.GetRequiredService<BodyThermometer>();
        Scene = new ThermometerScene(Chip, Options);
    }

    public FakeTimeProvider Time { get; }

    public Mlx90614Emulator Chip { get; }

    public IConfigurationRoot Configuration { get; }

    public RecordingAlerts Alerts { get; } = new();

    public IOptionsMonitor<ThermometerOptions> Options { get; }

    public BodyThermometer Thermometer { get; }

    public ThermometerScene Scene { get; }

    public List<I2cConnectionSettings> Opened { get; } = [];

    /// <summary>When set, opening the device throws it.</summary>
    public Exception? OpenFailure { get; set; }

    public IBodyThermometer Port => _services.GetRequiredService<IBodyThermometer>();

    /// <summary>Runs one measurement, advancing the fake clock while it runs; returns the result and the virtual time taken.</summary>
    /// <remarks>Runs on the thread pool, outside xunit's synchronization context, so the fake clock fires every continuation inline and in order.</remarks>
    public Task<(TemperatureResult Result, TimeSpan Elapsed)> MeasureAsync(Action<TimeSpan>? onTick = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => MeasureWithoutContextAsync(onTick, cancellationToken), cancellationToken);

    private async Task<(TemperatureResult Result, TimeSpan Elapsed)> MeasureWithoutContextAsync(Action<TimeSpan>? onTick, CancellationToken cancellationToken)
    {
        var start = Time.GetUtcNow();
        var task = Thermometer.MeasureAsync(cancellationToken);
        await Poll.UntilAsync(
            () => task.IsCompleted,
            "the measurement",
            TimeSpan.FromSeconds(1000),
            changed: async _ =>
            {
                Time.Advance(TimeSpan.FromMilliseconds(10));
                onTick?.Invoke(Time.GetUtcNow() - start);
                await Task.Yield();
            },
            clock: Time);
        var result = await task;
        return (result, Time.GetUtcNow() - start);
    }

    public void Set(string key, string value)
    {
        Configuration[$"Thermometer:{key}"] = value;
        Configuration.Reload();
    }

    public void Dispose() => _services.Dispose();

    private I2cDevice OpenDevice(I2cConnectionSettings settings)
    {
        Opened.Add(settings);
        if (OpenFailure is { } failure)
        {
            throw failure;
        }

        return settings.DeviceAddress == Chip.ConnectionSettings.DeviceAddress && settings.BusId == Chip.ConnectionSettings.BusId
            ? new NonDisposingDevice(Chip)
            : throw new IOException($"no device at 0x{settings.DeviceAddress:X2} on bus {settings.BusId}");
    }

    // The emulated chip outlives the driver that is reopened when settings change.
    private sealed class NonDisposingDevice(I2cDevice inner) : I2cDevice
    {
        public override I2cConnectionSettings ConnectionSettings => inner.ConnectionSettings;

        public override byte ReadByte() => inner.ReadByte();

        public override void Read(Span<byte> buffer) => inner.Read(buffer);

        public override void WriteByte(byte value) => inner.WriteByte(value);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => inner.WriteRead(writeBuffer, readBuffer);
    }
}
