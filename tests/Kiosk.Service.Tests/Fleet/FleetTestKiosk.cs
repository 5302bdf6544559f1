using Kiosk.Service.Checkpoint;
using Kiosk.Service.Events;
using Kiosk.Service.Fleet;
using Kiosk.Service.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>
/// The fleet part of a kiosk, composed by hand as the host composes it: real alert center, event recorder, file
/// seq, SQLite outbox in a temporary data directory, connection to a real broker.
/// </summary>
internal sealed class FleetTestKiosk : IAsyncDisposable
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
        ILoggerFactory? loggers = null)
    {
        loggers ??= NullLoggerFactory.Instance;
        time ??= TimeProvider.System;
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
        var kiosk = new KioskOptions { Site = "site-a", KioskId = kioskId, DataDirectory = dataDirectory };
        var topics = new FleetTopics(options.TopicPrefix, kiosk.Site, kiosk.KioskId);
        var sequence = new FileEventSequence(Path.Combine(dataDirectory, "event-seq"));
        AlertCenter? alerts = null;
        var outbox = new SqliteOutbox(Path.Combine(dataDirectory, SqliteOutbox.FileName), options.OutboxCapacity, () => alerts, NullLogger<SqliteOutbox>.Instance);
        var recorded = new RecordingSink();
        IEventSink[] sinks = [outbox, recorded];
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
        var telemetry = new TelemetryReporter(connection, identity, counters, outbox, wrapped, time, NullLogger<TelemetryReporter>.Instance);
        var commands = new FleetCommands(connection, identity, indicators, alerts, commandTime ?? time, NullLogger<FleetCommands>.Instance, screenshot, resync, selfTest);
        var supervisor = new FleetLoopSupervisor(wrapped, alerts, time, loggers.CreateLogger<FleetLoopSupervisor>());
        var service = new FleetService(connection, sender, status, telemetry, commands, supervisor, loggers.CreateLogger<FleetService>(), remoteConfiguration);
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

    public async Task StartAsync()
    {
        await Service.StartAsync(CancellationToken.None);
        await Service.FirstSession.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits until the outbox is empty (every event acknowledged).</summary>
    public async Task DrainedAsync(int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (Outbox.Depth > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"outbox still holds {Outbox.Depth} events");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Service.StopAsync(CancellationToken.None);
        Service.Dispose();
        await Connection.DisposeAsync();
        Outbox.Dispose();
    }
}

/// <summary>A temporary data directory, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => System.IO.Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kiosk-fleet-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
