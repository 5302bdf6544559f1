using System.Device.I2c;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Kiosk.Devices.Temperature;

/// <summary>Registers the thermometer.</summary>
public static class ThermometerServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ThermometerOptions"/> to section <c>Thermometer</c> (validated on start) and registers
    /// <see cref="BodyThermometer"/> as <see cref="IBodyThermometer"/>. Needs <see cref="IAlerts"/> registered;
    /// adds <see cref="TimeProvider.System"/> when no <see cref="TimeProvider"/> is.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root (the section is taken from it).</param>
    /// <param name="deviceFactory">Opens the I²C device; null = the real bus (<see cref="I2cDevice.Create"/>). The simulation passes one returning its emulator.</param>
    public static IServiceCollection AddBodyThermometer(
        this IServiceCollection services,
        IConfiguration configuration,
        Func<IServiceProvider, ThermometerDeviceFactory>? deviceFactory = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSection<ThermometerOptions>(configuration, ThermometerOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new BodyThermometer(
            deviceFactory?.Invoke(sp) ?? (settings => I2cDevice.Create(settings)),
            sp.GetRequiredService<IOptionsMonitor<ThermometerOptions>>(),
            sp.GetRequiredService<IAlerts>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<BodyThermometer>>()));
        services.TryAddSingleton<IBodyThermometer>(sp => sp.GetRequiredService<BodyThermometer>());
        return services;
    }
}
