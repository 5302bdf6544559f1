using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Configuration;
using Kiosk.Drivers.Audio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Devices.Voice;

/// <summary>Registers the spoken prompts: options, clips, the sound sink (ALSA, or simulated) and the prompter.</summary>
public static class VoiceServiceCollectionExtensions
{
    public static IServiceCollection AddVoice(this IServiceCollection services, IConfiguration configuration, DeviceMode mode)
    {
        services.AddSection<VoiceOptions>(configuration, VoiceOptions.Section);
        services.TryAddSingleton(sp => new VoiceClips(
            sp.GetRequiredService<IOptions<VoiceOptions>>().Value.ClipsDirectory,
            sp.GetRequiredService<IAlerts>(),
            sp.GetRequiredService<ILogger<VoiceClips>>()));
        if (mode == DeviceMode.Simulated)
        {
            services.TryAddSingleton(sp => new SimulatedSoundSink(sp.GetRequiredService<TimeProvider>()));
            services.TryAddSingleton<SoundSinkFactory>(sp => sp.GetRequiredService<SimulatedSoundSink>().Open);
        }
        else
        {
            services.TryAddSingleton<SoundSinkFactory>(sp =>
            {
                var time = sp.GetRequiredService<TimeProvider>();
                return device => new AlsaSoundSink(device, time);
            });
        }

        services.TryAddSingleton<VoicePrompter>();
        return services;
    }
}
