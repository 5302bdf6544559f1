using Kiosk.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kiosk.Colors.Codes;

/// <summary>The <c>HealthCode</c> section of a host.</summary>
public static class HealthCodeServiceCollectionExtensions
{
    /// <summary>Keys of earlier versions: a configuration that still has one is refused, not silently ignored.</summary>
    private static readonly Dictionary<string, string> RemovedKeys = new()
    {
        ["SkewSeconds"] = "the skew of codes is Checkpoint:ClockSkew (a duration, e.g. \"00:02:00\"), the same skew as the clock check",
    };

    /// <summary>
    /// The <c>HealthCode</c> options, validated at start. <c>HealthCode:SkewSeconds</c> is refused with a message naming
    /// <c>Checkpoint:ClockSkew</c>, the skew the code verifier uses.
    /// </summary>
    public static IServiceCollection AddHealthCodeOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSection<HealthCodeOptions>(configuration, HealthCodeOptions.Section, RemovedKeys);
        return services;
    }
}
