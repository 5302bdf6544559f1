using System.Collections.Concurrent;
using HealthCode.Formats;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Kiosk.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kiosk.Service.Tests.Infrastructure;

/// <summary>
/// The fleet part of a kiosk, composed by hand as the host composes it, in process: real alert center, event
/// recorder, file seq, SQLite outbox in a data directory, status, telemetry, commands, Home Assistant discovery, the
/// supervised fleet service, and a connection to a real broker. The fleet tests and the fleet benchmarks (a thousand
/// of them in one process) use the same kiosk; the hardware is the only thing not there (a counting gate, a color
/// store that only has a state).
/// </summary>
public sealed class FleetTestKiosk : IAsyncDisposable
{
    private FleetTestKiosk()
    {
    }

    /// <summary>The kiosk's services (disposed with the kiosk).</summary>
    public required ServiceProvider Provider { get; init; }

    public required FleetOptions Options { get; init; }

    public required KioskOptions Kiosk { get; init; }

    public required FleetTopics Topics { get; init; }

    public required AlertCenter Alerts { get; init; }

    public required SqliteOutbox Outbox { get; init; }

    public required RecordingSink Recorded { get; init; }

    public required DecisionEventRecorder Recorder { get; init; }

    public required DecisionCounters Counters { get; init; }

    public required FleetConnection Connection { get; init; }

    public required OutboxSender Sender { get; init; }

    public required StatusReporter Status { get; init; }

    public required TelemetryReporter Telemetry { get; init; }

    public required FleetCommands Commands { get; init; }

    public required FleetService Service { get; init; }

    public required CountingIndicators Indicators { get; init; }

    public required Connectivity Connectivity { get; init; }

    public required FixedColorStore Colors { get; init; }

    public required FleetIdentity Identity { get; init; }

    public static readonly byte[] SiteSecret = Convert.FromBase64String("c2l0ZS1zZWNyZXQtZm9yLXRlc3RzLW9ubHktMzJieXQ=");

    /// <summary>Composes a kiosk (nothing runs until <see cref="Start"/>).</summary>
    /// <param name="port">Broker port on 127.0.0.1; 0 = no broker configured (the embedded one when given).</param>
    /// <param name="dataDirectory">Outbox, seq and the day's counts.</param>
    /// <param name="configure">Changes the fleet options (credentials, protocol, Home Assistant).</param>
    /// <param name="kioskId">Kiosk id (also the client id).</param>
    /// <param name="time">Clock of the fleet link.</param>
    /// <param name="commandTime">Clock of command expiry; null = <paramref name="time"/>.</param>
    /// <param name="selfTest">Self test; null = not available.</param>
    /// <param name="screenshot">Screen capture; null = not available.</param>
    /// <param name="resync">Color resync; null = not available.</param>
    /// <param name="remoteConfiguration">Remote configuration; null = <c>config/desired</c> not subscribed.</param>
    /// <param name="embedded">Embedded broker used when <paramref name="port"/> is 0.</param>
    /// <param name="loggers">Loggers of the fleet service and its supervisor.</param>
    /// <param name="site">The site.</param>
    /// <param name="first">A sink that sees each event before the outbox commits it (benchmarks stamp it).</param>
    /// <param name="restart">Process restart for the <c>restart</c> command; null = not available.</param>
    public static FleetTestKiosk Create(
        int port,
        string dataDirectory,
        Action<FleetOptions>? configure = null,
        string kioskId = "kiosk-01",
        TimeProvider? time = null,
        TimeProvider? commandTime = null,
        ISelfTest? selfTest = null,
        IScreenshotSource? screenshot = null,
        IColorResync? resync = null,
        RemoteConfiguration? remoteConfiguration = null,
        EmbeddedBroker? embedded = null,
        ILoggerFactory? loggers = null,
        string site = "site-a",
        IEventSink? first = null,
        IKioskRestart? restart = null)
    {
        loggers ??= NullLoggerFactory.Instance;
        time ??= TimeProvider.System;
        Directory.CreateDirectory(dataDirectory);
        var options = new FleetOptions
        {
            Host = port == 0 ? string.Empty : "127.0.0.1",
            Port = port,
            ReconnectMin = TimeSpan.FromMilliseconds(100),
            ReconnectMax = TimeSpan.FromSeconds(1),
            KeepAlive = TimeSpan.FromSeconds(10),
            Timeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        var kiosk = new KioskOptions { Site = site, KioskId = kioskId, DataDirectory = dataDirectory, SiteSecret = Convert.ToBase64String(SiteSecret) };

        // The kiosk's own composition with only the fleet side: what the caller supplies is registered first and wins.
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddSingleton(loggers);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(kiosk));
        services.AddSingleton<IColorStore>(new FixedColorStore(new ColorDataState("CN-HL", 42, time.GetUtcNow().AddMinutes(-3), time.GetUtcNow().AddMinutes(-3), 1000, false)));
        services.AddSingleton<IIndicators>(new CountingIndicators());
        if (first is not null)
        {
            services.AddSingleton(first);
        }

        if (embedded is not null)
        {
            services.AddSingleton(embedded);
        }

        if (remoteConfiguration is not null)
        {
            services.AddSingleton(new FleetServiceCollectionExtensions.RemoteConfigurationHolder(remoteConfiguration));
        }

        foreach (var optional in new object?[] { selfTest, screenshot, resync, restart })
        {
            switch (optional)
            {
                case ISelfTest s: services.AddSingleton(s); break;
                case IScreenshotSource s: services.AddSingleton(s); break;
                case IColorResync s: services.AddSingleton(s); break;
                case IKioskRestart s: services.AddSingleton(s); break;
            }
        }

        if (commandTime is not null)
        {
            services.AddSingleton(sp => new FleetCommands(
                sp.GetRequiredService<FleetConnection>(),
                sp.GetRequiredService<FleetIdentity>(),
                sp.GetRequiredService<IIndicators>(),
                sp.GetRequiredService<IAlerts>(),
                commandTime,
                sp.GetRequiredService<ILogger<FleetCommands>>(),
                screenshot,
                resync,
                selfTest,
                restart));
        }

        services.AddKiosk(new ConfigurationBuilder().Build(), new KioskParts { Checkpoint = false, Fleet = true, EmbeddedBrokerWhenUnconfigured = embedded is not null });
        services.AddSingleton<IEventSink, RecordingSink>(); // after the outbox: it sees what the outbox committed, in order
        var provider = services.BuildServiceProvider();
        return new FleetTestKiosk
        {
            Provider = provider,
            Options = options,
            Kiosk = kiosk,
            Topics = provider.GetRequiredService<FleetTopics>(),
            Alerts = provider.GetRequiredService<AlertCenter>(),
            Outbox = provider.GetRequiredService<SqliteOutbox>(),
            Recorded = provider.GetServices<IEventSink>().OfType<RecordingSink>().Single(),
            Recorder = provider.GetRequiredService<DecisionEventRecorder>(),
            Counters = provider.GetRequiredService<DecisionCounters>(),
            Connection = provider.GetRequiredService<FleetConnection>(),
            Sender = provider.GetRequiredService<OutboxSender>(),
            Status = provider.GetRequiredService<StatusReporter>(),
            Telemetry = provider.GetRequiredService<TelemetryReporter>(),
            Commands = provider.GetRequiredService<FleetCommands>(),
            Service = provider.GetRequiredService<FleetService>(),
            Indicators = (CountingIndicators)provider.GetRequiredService<IIndicators>(),
            Connectivity = provider.GetRequiredService<Connectivity>(),
            Colors = (FixedColorStore)provider.GetRequiredService<IColorStore>(),
            Identity = provider.GetRequiredService<FleetIdentity>(),
        };
    }

    /// <summary>Starts the fleet service (connects in the background).</summary>
    public Task Start() => Service.StartAsync(CancellationToken.None);

    /// <summary>Starts and waits for the first connection (subscribed, status published).</summary>
    public async Task StartAsync()
    {
        await Start();
        await Service.FirstSession.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits until the outbox is empty (every event acknowledged).</summary>
    public Task DrainedAsync(int seconds = 60) =>
        Poll.UntilAsync(() => Outbox.Depth == 0, "the outbox to drain", TimeSpan.FromSeconds(seconds), detail: () => $"it still holds {Outbox.Depth} events");

    /// <summary>A clean stop: <c>offline</c>, DISCONNECT (no Will), files closed.</summary>
    public async ValueTask DisposeAsync()
    {
        await Service.StopAsync(CancellationToken.None);
        await Provider.DisposeAsync();
    }
}

/// <summary>Counts what the fleet asked of the gate.</summary>
public sealed class CountingIndicators : IIndicators
{
    private int _gateOpened;

    public int GateOpened => Volatile.Read(ref _gateOpened);

    public void SignalPass()
    {
    }

    public void SignalRefer()
    {
    }

    public void SignalFault()
    {
    }

    public void Clear()
    {
    }

    public void OpenGate() => Interlocked.Increment(ref _gateOpened);
}

/// <summary>A color store that only has a state (the fleet reads nothing else).</summary>
public sealed class FixedColorStore(ColorDataState state) : IColorStore
{
    public ColorDataState State { get; set; } = state;

    public bool TryLookup(string issuer, CodeId id, out HealthColor color, out long colorTime)
    {
        color = HealthColor.Green;
        colorTime = 0;
        return false;
    }

    public bool TryLookupDocument(HealthCode.Formats.Identity.DocRef docRef, out HealthColor color, out long colorTime)
    {
        color = HealthColor.Green;
        colorTime = 0;
        return false;
    }
}

/// <summary>Keeps every event handed to the sinks, in order.</summary>
public sealed class RecordingSink : IEventSink
{
    public ConcurrentQueue<KioskEvent> Events { get; } = new();

    public void Publish(KioskEvent kioskEvent) => Events.Enqueue(kioskEvent);
}

