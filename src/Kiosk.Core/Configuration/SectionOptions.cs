using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Kiosk.Core.Configuration;

/// <summary>
/// How every options section is read and checked, one way: bound from its section, validated by its
/// <see cref="SectionValidator{T}"/> when the host starts (and by <c>kiosk run</c>'s start-up check before it), and by
/// the same validator when the fleet changes it at run time.
/// </summary>
public static class SectionOptions
{
    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it on start.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="section">The section's name: the options type's <c>Section</c> constant.</param>
    /// <param name="removedKeys">Keys of earlier versions a configuration must no longer hold, with what replaces each.</param>
    public static OptionsBuilder<T> AddSection<T>(this IServiceCollection services, IConfiguration configuration, string section, IReadOnlyDictionary<string, string>? removedKeys = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        // Every options type bound to the section: a key is unknown only when none of them has it (ColorFeed has two).
        services.AddSingleton(new SectionBinding(section, typeof(T)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, SectionValidator<T>>(sp => new SectionValidator<T>(
            section,
            configuration,
            removedKeys,
            sp.GetServices<SectionBinding>().Where(b => string.Equals(b.Section, section, StringComparison.OrdinalIgnoreCase)).Select(b => b.OptionsType))));
        return services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }
}

