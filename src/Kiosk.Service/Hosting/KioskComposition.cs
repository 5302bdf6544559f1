using System.Device.Gpio;
using Kiosk.Colors;
using Kiosk.Colors.Codes;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Configuration;
using Kiosk.Core.Identity;
using Kiosk.Devices.Camera;
using Kiosk.Devices.Identity;
using Kiosk.Devices.Outputs;
using Kiosk.Devices.Screen;
using Kiosk.Devices.Temperature;
using Kiosk.Devices.Voice;
using Kiosk.Drivers.Gpio;
using Kiosk.Drivers.Mlx90614;
using Kiosk.Fleet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Hosting;

/// <summary>
/// Puts the kiosk together: the one composition of the service (<c>kiosk run</c>), its simulation (<c>run --simulate
/// --scenario</c>, <c>demo</c>), the commands that read its settings (<c>render</c>, <c>colors</c>), the benchmarks and the
/// tests. Hardware and simulation run the same production code above the hardware boundary: only the I²C device, the
/// GPIO driver, the frame source, the card reader's serial line, the display sinks and the sound sink differ.
/// </summary>
/// <remarks>
/// Registrations are lazy: nothing is opened until it is resolved, so a command that needs only its options resolves
/// those and touches no device. Registrations made before <see cref="AddKiosk"/> win (they are added with TryAdd): a
/// caller supplies its clock, event sinks or event sequence that way.
/// </remarks>
internal static class KioskComposition
{
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root (appsettings.json, /etc/kiosk/kiosk.json, --config, KIOSK_ variables).</param>
    /// <param name="parts">The devices (hardware or simulated) and the links.</param>
    public static IServiceCollection AddKiosk(this IServiceCollection services, IConfiguration configuration, KioskParts parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(configuration);
        if (parts.LinkClock is { } linkClock)
        {
            services.AddKeyedSingleton(FleetServiceCollectionExtensions.LinkClockKey, linkClock);
        }

        // The feed link's keys (ColorFeed:Host, ...) are known keys of ColorFeed even when the link is not composed.
        services.AddSingleton(new SectionBinding(ColorFeedOptions.Section, typeof(FeedLinkOptions)));
        services.AddKioskCore(configuration);

        if (parts.Checkpoint)
        {
            services.AddCodesColorsAndDevices(configuration, parts);
        }

        // The fleet link, and the settings a fleet manager may change at run time (config/desired).
        if (parts.Fleet)
        {
            services.AddRuntimeSettings();
            services.AddFleet(configuration, parts.EmbeddedBrokerWhenUnconfigured);
        }

        return services;
    }

    /// <summary>The codes' trust list, the color data and its feed link, and the devices: hardware or simulated.</summary>
    private static void AddCodesColorsAndDevices(this IServiceCollection services, IConfiguration configuration, KioskParts parts)
    {
        var mode = parts.Devices;

        // Codes: verified against the trust list in force (signed feed message, else the provisioning file), with the
        // one skew of health-code.md, Checkpoint:ClockSkew (the clock check's too).
        services.AddHealthCodeOptions(configuration);
        services.AddColorFeed(
            configuration,
            provisioning: sp => sp.GetRequiredService<IOptions<HealthCodeOptions>>().Value.TrustListFile is { Length: > 0 } file ? new FileTrustListSource(file) : null);
        if (parts.FeedLink)
        {
            services.AddColorFeedLink(configuration);
        }

        services.TryAddSingleton<ICodeVerifier>(sp => new TrustListCodeVerifier(
            sp.GetRequiredService<ITrustListSource>(),
            sp.GetRequiredService<IOptions<CheckpointOptions>>().Value.ClockSkew));

        // Camera → QR text.
        services.AddCameraCodeReader(configuration);

        // ID card reader: the serial SAM module named by Identity:Port, or the emulated module on the same driver path.
        services.AddCardReader(configuration, mode);

        // Thermometer: the real bus, or the emulated MLX90614 on the same driver path.
        if (mode == DeviceMode.Simulated)
        {
            services.TryAddSingleton(sp => new Mlx90614Emulator(sp.GetRequiredService<TimeProvider>(), seed: 1));
            services.AddBodyThermometer(configuration, sp => _ => sp.GetRequiredService<Mlx90614Emulator>());
            services.TryAddSingleton(sp => new ThermometerScene(sp.GetRequiredService<Mlx90614Emulator>(), sp.GetRequiredService<IOptionsMonitor<ThermometerOptions>>()));
        }
        else
        {
            services.AddBodyThermometer(configuration);
        }

        // GPIO: gate, LEDs, buzzer, assist button.
        services.AddSection<GpioOptions>(configuration, GpioOptions.Section);
        if (mode == DeviceMode.Simulated)
        {
            services.TryAddSingleton(sp => new SimulatedGpioDriver(sp.GetRequiredService<TimeProvider>()));
            services.TryAddSingleton(sp => new GpioController(sp.GetRequiredService<SimulatedGpioDriver>()));
        }
        else
        {
            // The driver is chosen here, not by System.Device.Gpio's board detection (the Pi 5, dotnet/iot#2366).
            services.TryAddSingleton(sp =>
            {
                var o = sp.GetRequiredService<IOptions<GpioOptions>>().Value;
                return new GpioController(GpioDriverChoice.Choose(o.Driver, o.LibgpiodVersion, o.Chip, GpioMachine.Probe()).Open());
            });
        }

        services.TryAddSingleton(sp => Indicators.Create(
            sp.GetRequiredService<GpioController>(),
            sp.GetRequiredService<IOptions<GpioOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<Indicators>>()));
        services.TryAddSingleton<IIndicators>(sp => sp.GetRequiredService<Indicators>());
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GpioOptions>>().Value;
            var button = new AssistButton(sp.GetRequiredService<GpioController>(), o.AssistButtonPin, o.AssistButtonActiveLow, TimeSpan.FromMilliseconds(o.DebounceMs), sp.GetRequiredService<TimeProvider>());
            var screen = sp.GetRequiredService<ScreenPresenter>();
            var time = sp.GetRequiredService<TimeProvider>();

            // 已通知工作人员 for a few seconds, said like any screen, then the screen under it again.
            button.Pressed += (_, _) => screen.ShowAssist(time);
            return new AssistButtonHandler(button, sp.GetRequiredService<IAlerts>(), sp.GetRequiredService<ILogger<AssistButtonHandler>>());
        });

        // Voice: a spoken prompt per screen (ALSA, or the simulated sound sink).
        services.AddVoice(configuration, mode);

        // Display.
        services.AddDisplayOptions(configuration);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<DisplayOptions>>();
            var alerts = sp.GetRequiredService<IAlerts>();
            var logger = sp.GetRequiredService<ILogger<ScreenPresenter>>();
            var gpio = options.CurrentValue.SpiPanel is not null ? sp.GetRequiredService<GpioController>() : null;
            var presenter = new ScreenPresenter(options, DisplaySinks.Open(options.CurrentValue, alerts, logger, gpio), alerts, logger);

            // The voice speaks every screen shown, on its own worker.
            presenter.Shown += sp.GetRequiredService<VoicePrompter>().Announce;
            return presenter;
        });
        services.TryAddSingleton<IScreen>(sp => sp.GetRequiredService<ScreenPresenter>());
        services.TryAddSingleton<IScreenshotSource>(sp => new ScreenshotSource(sp.GetRequiredService<ScreenPresenter>()));
        services.TryAddSingleton<IColorResync>(sp => new ColorResync(sp.GetRequiredService<ColorFeedProcessor>()));
        services.TryAddSingleton<IAmbientTemperatureSource>(sp => new AmbientTemperatureSource(sp.GetRequiredService<CheckpointLoop>()));
        services.TryAddSingleton<ISelfTest, KioskSelfTest>();
    }

    /// <summary>The <c>Display</c> section, validated at start (the service, and <c>kiosk render</c>'s defaults).</summary>
    private static IServiceCollection AddDisplayOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSection<DisplayOptions>(configuration, DisplayOptions.Section);
        return services;
    }

    /// <summary>The settings a fleet manager may change at run time through <c>config/desired</c>.</summary>
    public static IServiceCollection AddRuntimeSettings(this IServiceCollection services)
    {
        services.AddRuntimeSetting<CheckpointOptions>(CheckpointOptions.Section);
        services.AddRuntimeSetting<ThermometerOptions>(
            ThermometerOptions.Section,
            typeof(ThermometerOptions).GetProperties()
                .Where(p => p.CanWrite && p.Name is not (nameof(ThermometerOptions.BusId) or nameof(ThermometerOptions.Address) or nameof(ThermometerOptions.FeverThresholdC)))
                .Select(p => p.Name));
        services.AddRuntimeSetting<DisplayOptions>(DisplayOptions.Section, [nameof(DisplayOptions.Language)]);
        services.AddRuntimeSetting<IdentityOptions>(IdentityOptions.Section, [nameof(IdentityOptions.Mode), nameof(IdentityOptions.CardTimeout)]);
        services.AddRuntimeSetting<VoiceOptions>(
            VoiceOptions.Section,
            typeof(VoiceOptions).GetProperties().Where(p => p.CanWrite && p.Name != nameof(VoiceOptions.ClipsDirectory)).Select(p => p.Name));
        return services;
    }

    private sealed class ScreenshotSource(ScreenPresenter presenter) : IScreenshotSource
    {
        public byte[]? CapturePng() => presenter.CapturePng();
    }

    private sealed class ColorResync(ColorFeedProcessor processor) : IColorResync
    {
        public Task ResyncAsync(CancellationToken cancellationToken)
        {
            processor.Resync();
            return Task.CompletedTask;
        }
    }
}

/// <summary>The ambient temperature the sensor saw at the last measurement, for telemetry.</summary>
internal sealed class AmbientTemperatureSource : IAmbientTemperatureSource
{
    private double? _ambient;

    public AmbientTemperatureSource(CheckpointLoop loop) => loop.Decided += record =>
    {
        if (record.Temperature?.AmbientC is { } ambient)
        {
            _ambient = Math.Round(ambient, 1);
        }
    };

    public double? AmbientC => _ambient;
}
