using System.Collections.Concurrent;
using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Kiosk.Service.Hosting;
using Kiosk.Service.Tests.Infrastructure;
using Kiosk.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kiosk.Fleet.TestClient;

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
        var kiosk = new KioskOptions { Site = site, KioskId = kioskId, DataDirectory = dataDirectory };
        var topics = new FleetTopics(options.TopicPrefix, kiosk.Site, kiosk.KioskId);
        var sequence = new FileEventSequence(Path.Combine(dataDirectory, "event-seq"));
        AlertCenter? alerts = null;
        var outbox = new SqliteOutbox(Path.Combine(dataDirectory, SqliteOutbox.FileName), options.OutboxCapacity, () => alerts, NullLogger<SqliteOutbox>.Instance);
        var recorded = new RecordingSink();
        IEventSink[] sinks = first is null ? [outbox, recorded] : [first, outbox, recorded];
        alerts = new AlertCenter(time, sequence, sinks, NullLogger<AlertCenter>.Instance);
        var counters = new DecisionCounters();
        var recorder = new DecisionEventRecorder(sequence, sinks, new CodeRefHasher(SiteSecret), counters);
        var connectivity = new Connectivity();
        var identity = new FleetIdentity(time);
        var colors = new FixedColorStore(new ColorDataState("CN-HL", 42, time.GetUtcNow().AddMinutes(-3), time.GetUtcNow().AddMinutes(-3), 1000, false));
        var indicators = new CountingIndicators();
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        var connection = new FleetConnection(wrapped, topics, connectivity, time, NullLogger<FleetConnection>.Instance, embedded);
        var sender = new OutboxSender(outbox, connection, NullLogger<OutboxSender>.Instance);
        var status = new StatusReporter(connection, identity, alerts, colors, time, NullLogger<StatusReporter>.Instance);
        var today = new DailyOutcomes(counters, time, dataDirectory);
        var telemetry = new TelemetryReporter(connection, identity, counters, outbox, wrapped, time, NullLogger<TelemetryReporter>.Instance, today: today, colors: colors);
        var commands = new FleetCommands(connection, identity, indicators, alerts, commandTime ?? time, NullLogger<FleetCommands>.Instance, screenshot, resync, selfTest, restart);
        var supervisor = new FleetLoopSupervisor(wrapped, alerts, time, loggers.CreateLogger<FleetLoopSupervisor>());
        var homeAssistant = new HomeAssistantDiscovery(wrapped, connection, identity, NullLogger<HomeAssistantDiscovery>.Instance);
        var service = new FleetService(connection, sender, status, telemetry, commands, supervisor, loggers.CreateLogger<FleetService>(), remoteConfiguration, homeAssistant);
        return new FleetTestKiosk
        {
            Options = options,
            Kiosk = kiosk,
            Topics = topics,
            Alerts = alerts,
            Outbox = outbox,
            Recorded = recorded,
            Recorder = recorder,
            Counters = counters,
            Connection = connection,
            Sender = sender,
            Status = status,
            Telemetry = telemetry,
            Commands = commands,
            Service = service,
            Indicators = indicators,
            Connectivity = connectivity,
            Colors = colors,
            Identity = identity,
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
        Service.Dispose();
        await Connection.DisposeAsync();
        Outbox.Dispose();
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

