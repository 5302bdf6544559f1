using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Configuration;
using Kiosk.Core.Identity;
using Kiosk.Drivers.IdCard;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Devices.Identity;

/// <summary>Registers the ID card reader.</summary>
public static class IdentityServiceCollectionExtensions
{
    /// <summary>The name the simulated module goes by in logs and alerts.</summary>
    public const string SimulatedDevice = "simulated SAM module";

    /// <summary>
    /// Binds <see cref="IdentityOptions"/> to section <c>Identity</c> (data annotations, validated on start) and, when a
    /// reader is configured, registers <see cref="SamCardSource"/> as <see cref="ICardReader"/>: on hardware when
    /// <c>Identity:Port</c> names a serial device (opened at the first poll; a device that cannot be opened is one error
    /// line naming it, then <c>card_reader_fault</c>); in simulation always, over a <see cref="SamModuleEmulator"/>
    /// that is also resolvable as itself so the simulated world can place cards. Without a reader, no
    /// <see cref="ICardReader"/> is registered. Needs <see cref="IAlerts"/>; adds <see cref="TimeProvider.System"/> when none.
    /// </summary>
    public static IServiceCollection AddCardReader(this IServiceCollection services, IConfiguration configuration, DeviceMode mode)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSection<IdentityOptions>(configuration, IdentityOptions.Section);
        services.TryAddSingleton(TimeProvider.System);

        if (mode == DeviceMode.Simulated)
        {
            services.TryAddSingleton(sp => new SamModuleEmulator(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<IdentityOptions>>().Value.BaudRate));
            services.TryAddSingleton(sp =>
            {
                var module = sp.GetRequiredService<SamModuleEmulator>();
                var time = sp.GetRequiredService<TimeProvider>();
                var settings = SamCardSource.ReaderSettings(sp.GetRequiredService<IOptions<IdentityOptions>>().Value);
                return Source(sp, SimulatedDevice, () => new IdCardReader(module, time, settings, module.DiscardInput, shouldDispose: false));
            });
        }
        else if (!string.IsNullOrWhiteSpace(configuration[$"{IdentityOptions.Section}:{nameof(IdentityOptions.Port)}"]))
        {
            services.TryAddSingleton(sp =>
            {
                var options = sp.GetRequiredService<IOptions<IdentityOptions>>().Value;
                var time = sp.GetRequiredService<TimeProvider>();
                var port = options.Port!;
                return Source(sp, port, () => IdCardReader.OpenSerial(port, options.BaudRate, time, SamCardSource.ReaderSettings(options)));
            });
        }
        else
        {
            return services;
        }

        services.TryAddSingleton<ICardReader>(sp => sp.GetRequiredService<SamCardSource>());
        return services;
    }

    private static SamCardSource Source(IServiceProvider sp, string device, Func<IdCardReader> open) => new(
        open,
        device,
        sp.GetRequiredService<IAlerts>(),
        sp.GetRequiredService<TimeProvider>(),
        sp.GetRequiredService<IOptions<IdentityOptions>>(),
        sp.GetRequiredService<ILogger<SamCardSource>>());
}
