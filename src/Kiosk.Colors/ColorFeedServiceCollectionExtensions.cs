using System.Security.Cryptography;
using HealthCode.Formats.Feed;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Colors;

/// <summary>Wires the color feed into a host: options (validated at start), store, processor, health monitor. The feed's
/// MQTT link is the fleet assembly's (<c>AddColorFeedLink</c>).</summary>
public static class ColorFeedServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ColorStore"/> (also as <see cref="IColorStore"/> and <see cref="ITrustListSource"/>),
    /// <see cref="ColorFeedProcessor"/> and <see cref="ColorHealthMonitor"/>.
    /// Needs <see cref="IAlerts"/> and <see cref="TimeProvider"/> registered by the host.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root (section <c>ColorFeed</c>).</param>
    /// <param name="provisioning">The provisioning trust list (e.g. the codes' file source), used until a signed one arrives.</param>
    public static IServiceCollection AddColorFeed(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, ITrustListSource?>? provisioning = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddColorFeedOptions(configuration);
        services.AddSingleton(sp => new AuthorityKeyHolder(AuthorityKey.FromBase64Spki(sp.GetRequiredService<IOptions<ColorFeedOptions>>().Value.AuthorityKey)));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ColorFeedOptions>>().Value;
            return ColorStore.Open(new ColorStoreSettings
            {
                DatabasePath = options.DatabasePath,
                Feed = options.Feed,
                AuthorityKey = sp.GetRequiredService<AuthorityKeyHolder>().Key,
                Provisioning = provisioning?.Invoke(sp),
                MaxPendingBatches = options.MaxPendingBatches,
            });
        });
        services.TryAddSingleton<IColorStore>(sp => sp.GetRequiredService<ColorStore>());
        services.TryAddSingleton<ITrustListSource>(sp => sp.GetRequiredService<ColorStore>());
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ColorFeedOptions>>().Value;
            return new ColorFeedProcessor(
                sp.GetRequiredService<ColorStore>(),
                sp.GetRequiredService<AuthorityKeyHolder>().Key,
                sp.GetRequiredService<IAlerts>(),
                sp.GetRequiredService<TimeProvider>(),
                FeedPolicy(sp.GetRequiredService<IOptions<CheckpointOptions>>().Value) with { SnapshotAfter = options.SnapshotAfter },
                sp.GetService<ILogger<ColorFeedProcessor>>());
        });
        services.AddHostedService<ColorHealthMonitor>();
        return services;
    }

    /// <summary>
    /// The <c>ColorFeed</c> options, validated at start (the host's <c>AddKioskCore</c> puts a relative
    /// <see cref="ColorFeedOptions.DatabasePath"/> under <c>Kiosk:DataDirectory</c>).
    /// </summary>
    public static IServiceCollection AddColorFeedOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSection<ColorFeedOptions>(configuration, ColorFeedOptions.Section, RenamedKeys);
        return services;
    }

    /// <summary>Keys of earlier versions: a configuration that still has one is refused, not silently ignored.</summary>
    private static readonly Dictionary<string, string> RenamedKeys = new()
    {
        ["BrokerHost"] = "it is now ColorFeed:Host (the same keys as Fleet)",
        ["BrokerPort"] = "it is now ColorFeed:Port (the same keys as Fleet)",
        ["ReconnectMinDelay"] = "it is now ColorFeed:ReconnectMin (the same keys as Fleet)",
        ["ReconnectMaxDelay"] = "it is now ColorFeed:ReconnectMax (the same keys as Fleet)",
    };

    /// <summary>One freshness limit and one skew: the <c>Checkpoint</c> section drives the policy and the feed's alerts alike.</summary>
    public static ColorFeedPolicy FeedPolicy(CheckpointOptions checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new ColorFeedPolicy { MaxColorDataAge = checkpoint.MaxColorDataAge, ClockSkew = checkpoint.ClockSkew };
    }

    /// <summary>The parsed authority key, owned (and disposed) by the container.</summary>
    public sealed class AuthorityKeyHolder(ECDsa key) : IDisposable
    {
        public ECDsa Key { get; } = key;

        public void Dispose() => Key.Dispose();
    }
}
