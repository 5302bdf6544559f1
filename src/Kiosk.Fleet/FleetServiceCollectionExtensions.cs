using Kiosk.Colors;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Configuration;
using Kiosk.Core.Events;
using Kiosk.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Fleet;

/// <summary>Registers the fleet link.</summary>
public static class FleetServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="FleetOptions"/> (section <c>Fleet</c>, validated on start), registers the outbox as an
    /// <see cref="IEventSink"/>, the connection, reporters, commands and <see cref="FleetService"/> as a hosted
    /// service. Needs <c>AddKioskCore</c> (alerts, counters, connectivity), an <see cref="IColorStore"/> and an
    /// <see cref="IIndicators"/>; optional: <see cref="IScreenshotSource"/>, <see cref="IColorResync"/>,
    /// <see cref="ISelfTest"/>, <see cref="IAmbientTemperatureSource"/>, <see cref="IScanLatencySource"/>,
    /// <see cref="RuntimeConfigurationSource"/> (enables <c>config/desired</c>).
    /// </summary>
    /// <param name="services">Services.</param>
    /// <param name="configuration">Configuration root.</param>
    /// <param name="embeddedBrokerWhenUnconfigured">Demo and simulation: start an <see cref="EmbeddedBroker"/> when <c>Fleet:Host</c> is empty.</param>
    public static IServiceCollection AddFleet(this IServiceCollection services, IConfiguration configuration, bool embeddedBrokerWhenUnconfigured = false)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSection<FleetOptions>(configuration, FleetOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Connectivity>();
        services.TryAddSingleton(sp => new DecisionCounters(sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new FleetIdentity(LinkClock(sp)));
        services.TryAddSingleton(sp => new FleetTopics(
            sp.GetRequiredService<IOptions<FleetOptions>>().Value.TopicPrefix,
            sp.GetRequiredService<IOptions<KioskOptions>>().Value.Site,
            sp.GetRequiredService<IOptions<KioskOptions>>().Value.KioskId));
        services.TryAddSingleton(sp => new SqliteOutbox(
            Path.Combine(sp.GetRequiredService<IOptions<KioskOptions>>().Value.DataDirectory, SqliteOutbox.FileName),
            sp.GetRequiredService<IOptions<FleetOptions>>().Value.OutboxCapacity,
            () => sp.GetService<IAlerts>(),
            sp.GetRequiredService<ILogger<SqliteOutbox>>()));
        services.AddSingleton<IEventSink>(sp => sp.GetRequiredService<SqliteOutbox>());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<FleetOptions>>();
            var embedded = embeddedBrokerWhenUnconfigured && !options.Value.HasBroker ? sp.GetRequiredService<EmbeddedBroker>() : null;
            return new FleetConnection(options, sp.GetRequiredService<FleetTopics>(), sp.GetRequiredService<Connectivity>(), LinkClock(sp), sp.GetRequiredService<ILogger<FleetConnection>>(), embedded, identity: sp.GetRequiredService<FleetIdentity>());
        });
        services.TryAddSingleton(sp => new EmbeddedBroker(sp.GetRequiredService<IOptions<FleetOptions>>().Value.EmbeddedBrokerPort, sp.GetRequiredService<ILogger<EmbeddedBroker>>()));
        services.TryAddSingleton<OutboxSender>();
        services.TryAddSingleton(sp => new StatusReporter(
            sp.GetRequiredService<FleetConnection>(), sp.GetRequiredService<FleetIdentity>(), sp.GetRequiredService<IAlerts>(), sp.GetRequiredService<IColorStore>(), LinkClock(sp), sp.GetRequiredService<ILogger<StatusReporter>>(), sp.GetService<ColorFeedProcessor>()));
        services.TryAddSingleton(sp => new DuplicateKioskDetector(
            sp.GetRequiredService<FleetIdentity>(), sp.GetRequiredService<FleetTopics>().KioskId, sp.GetRequiredService<IAlerts>(), LinkClock(sp), sp.GetRequiredService<ILogger<DuplicateKioskDetector>>()));
        services.TryAddSingleton(sp => new DailyOutcomes(sp.GetRequiredService<DecisionCounters>(), LinkClock(sp), sp.GetRequiredService<IOptions<KioskOptions>>().Value.DataDirectory));
        services.TryAddSingleton(sp => new TelemetryReporter(
            sp.GetRequiredService<FleetConnection>(),
            sp.GetRequiredService<FleetIdentity>(),
            sp.GetRequiredService<DecisionCounters>(),
            sp.GetRequiredService<SqliteOutbox>(),
            sp.GetRequiredService<IOptions<FleetOptions>>(),
            LinkClock(sp),
            sp.GetRequiredService<ILogger<TelemetryReporter>>(),
            sp.GetService<IAmbientTemperatureSource>(),
            sp.GetService<IScanLatencySource>(),
            today: sp.GetRequiredService<DailyOutcomes>(),
            colors: sp.GetService<IColorStore>()));
        services.TryAddSingleton(sp => new FleetCommands(
            sp.GetRequiredService<FleetConnection>(),
            sp.GetRequiredService<FleetIdentity>(),
            sp.GetRequiredService<IIndicators>(),
            sp.GetRequiredService<IAlerts>(),
            LinkClock(sp),
            sp.GetRequiredService<ILogger<FleetCommands>>(),
            sp.GetService<IScreenshotSource>(),
            sp.GetService<IColorResync>(),
            sp.GetService<ISelfTest>(),
            sp.GetService<IKioskRestart>()));
        services.TryAddSingleton<HomeAssistantDiscovery>();
        services.TryAddSingleton(sp => new FleetLoopSupervisor(sp.GetRequiredService<IOptions<FleetOptions>>(), sp.GetRequiredService<IAlerts>(), LinkClock(sp), sp.GetRequiredService<ILogger<FleetLoopSupervisor>>()));
        services.TryAddSingleton(sp => sp.GetService<RuntimeConfigurationSource>() is { } source
            ? new RemoteConfigurationHolder(new RemoteConfiguration(source, sp.GetRequiredService<IConfiguration>(), sp.GetServices<RuntimeSettingRegistration>(), sp.GetRequiredService<IOptions<KioskOptions>>(), sp.GetRequiredService<IOptions<FleetOptions>>(), LinkClock(sp), sp.GetRequiredService<ILogger<RemoteConfiguration>>()))
            : new RemoteConfigurationHolder(null));
        services.TryAddSingleton(sp => new FleetService(
            sp.GetRequiredService<FleetConnection>(),
            sp.GetRequiredService<OutboxSender>(),
            sp.GetRequiredService<StatusReporter>(),
            sp.GetRequiredService<TelemetryReporter>(),
            sp.GetRequiredService<FleetCommands>(),
            sp.GetRequiredService<FleetLoopSupervisor>(),
            sp.GetRequiredService<ILogger<FleetService>>(),
            sp.GetRequiredService<RemoteConfigurationHolder>().Value,
            sp.GetRequiredService<HomeAssistantDiscovery>(),
            sp.GetRequiredService<DuplicateKioskDetector>()));
        services.AddHostedService(sp => sp.GetRequiredService<FleetService>());
        return services;
    }

    /// <summary>
    /// The color feed's MQTT link: <see cref="FeedLinkOptions"/> (the broker keys of section <c>ColorFeed</c>,
    /// validated on start) and <see cref="MqttFeedClient"/> as a hosted service, on the <see cref="ColorFeedProcessor"/>
    /// that <c>AddColorFeed</c> registered.
    /// </summary>
    public static IServiceCollection AddColorFeedLink(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSection<FeedLinkOptions>(configuration, ColorFeedOptions.Section)
            .PostConfigure<IOptions<KioskOptions>>((link, kiosk) =>
            {
                // mqtt.md: the client id derives from the kiosk's own id unless configured.
                if (string.IsNullOrWhiteSpace(link.ClientId))
                {
                    link.ClientId = FeedLinkOptions.ClientIdFor(kiosk.Value.KioskId);
                }
            });
        services.TryAddSingleton(sp => new MqttFeedClient(
            sp.GetRequiredService<ColorFeedProcessor>(),
            sp.GetRequiredService<IOptions<FeedLinkOptions>>(),
            sp.GetRequiredService<IOptions<ColorFeedOptions>>(),
            LinkClock(sp),
            sp.GetRequiredService<ILogger<MqttFeedClient>>()));
        services.AddHostedService(sp => sp.GetRequiredService<MqttFeedClient>());
        return services;
    }

    /// <summary>
    /// Makes section <paramref name="section"/> (options <typeparamref name="T"/>) changeable through
    /// <c>config/desired</c>; <paramref name="changeableKeys"/> is the allow-list of its properties (null = all).
    /// Candidates are validated with the DataAnnotations and every <see cref="IValidateOptions{TOptions}"/> registered for T.
    /// </summary>
    public static IServiceCollection AddRuntimeSetting<T>(this IServiceCollection services, string section, IEnumerable<string>? changeableKeys = null)
        where T : class, new()
    {
        var keys = changeableKeys?.ToArray();
        services.AddSingleton(sp => RuntimeSettingRegistration.Create(section, sp.GetRequiredService<IOptionsMonitor<T>>(), sp.GetServices<IValidateOptions<T>>(), keys));
        return services;
    }

    /// <summary>
    /// The key of the links' clock: the fleet link and the feed client keep real time even when the kiosk they serve
    /// runs in a scenario's virtual time (decision and alert events keep the kiosk's clock). Not registered: the kiosk's
    /// <see cref="TimeProvider"/>.
    /// </summary>
    public const string LinkClockKey = "kiosk-links";

    /// <summary>The clock of the MQTT links: the one registered under <see cref="LinkClockKey"/>, else the kiosk's.</summary>
    public static TimeProvider LinkClock(IServiceProvider services) =>
        services.GetKeyedService<TimeProvider>(LinkClockKey) ?? services.GetRequiredService<TimeProvider>();

    /// <summary>DI holder for the optional remote configuration.</summary>
    internal sealed record RemoteConfigurationHolder(RemoteConfiguration? Value);
}
