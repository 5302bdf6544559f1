using Kiosk.Core.Checkpoint;
using Kiosk.Core.Configuration;
using Kiosk.Drivers.Camera;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Kiosk.Devices.Camera;

/// <summary>Registers the camera and the code reader.</summary>
public static class CameraServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="CameraOptions"/> to section <c>Camera</c> (data annotations and cross-field rules, validated on start),
    /// registers the configured <see cref="IFrameSource"/> (<see cref="UvcFrameSource"/>, <see cref="RpicamFrameSource"/>, or
    /// <see cref="SimulatedCamera"/>, which is then also resolvable as itself for the scenario player) and
    /// <see cref="CameraCodeReader"/> as <see cref="ICodeReader"/>. Needs <see cref="IAlerts"/>; adds <see cref="TimeProvider.System"/> when none.
    /// </summary>
    public static IServiceCollection AddCameraCodeReader(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSection<CameraOptions>(configuration, CameraOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SimulatedCamera(sp.GetRequiredService<IOptions<CameraOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IFrameSource>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CameraOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return options.Source switch
            {
                CameraSourceKind.Uvc => new UvcFrameSource(options, time),
                CameraSourceKind.RpiCam => new RpicamFrameSource(options, time),
                _ => sp.GetRequiredService<SimulatedCamera>(),
            };
        });
        services.TryAddSingleton<CameraCodeReader>();
        services.TryAddSingleton<ICodeReader>(sp => sp.GetRequiredService<CameraCodeReader>());
        return services;
    }
}
