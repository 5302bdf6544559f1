using System.Threading.Channels;
using Kiosk.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kiosk.Fleet;

/// <summary>
/// The fleet link as one hosted service: keeps the connection, subscribes on every connect (desired configuration,
/// the kiosk's and the site's commands), publishes status and reported configuration, drains the outbox, sends
/// telemetry, runs commands, applies desired configuration; on a clean stop publishes <c>offline</c> and
/// disconnects so the broker does not send the Will.
/// </summary>
public sealed partial class FleetService : BackgroundService
{
    private readonly FleetConnection _connection;
    private readonly OutboxSender _sender;
    private readonly StatusReporter _status;
    private readonly TelemetryReporter _telemetry;
    private readonly FleetCommands _commands;
    private readonly FleetLoopSupervisor _supervisor;
    private readonly RemoteConfiguration? _remoteConfiguration;
    private readonly HomeAssistantDiscovery? _homeAssistant;
    private readonly DuplicateKioskDetector? _duplicates;
    private readonly ILogger<FleetService> _logger;
    private readonly Channel<byte[]> _desired = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly TaskCompletionSource _firstSession = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the service.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="sender">The outbox sender.</param>
    /// <param name="status">Status topic.</param>
    /// <param name="telemetry">Telemetry topic.</param>
    /// <param name="commands">Commands.</param>
    /// <param name="supervisor">Runs the loops: a loop that throws is logged, alerted and restarted.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="remoteConfiguration">Remote configuration; null = <c>config/desired</c> is not subscribed.</param>
    /// <param name="homeAssistant">Home Assistant discovery, announced on every connect when enabled; null = none.</param>
    /// <param name="duplicates">Watches the kiosk's own <c>status</c> topic and sessions for a second process with this
    /// kiosk id (<c>duplicate_kiosk_id</c>); null = the own status topic is not subscribed.</param>
    public FleetService(FleetConnection connection, OutboxSender sender, StatusReporter status, TelemetryReporter telemetry, FleetCommands commands, FleetLoopSupervisor supervisor, ILogger<FleetService> logger, RemoteConfiguration? remoteConfiguration = null, HomeAssistantDiscovery? homeAssistant = null, DuplicateKioskDetector? duplicates = null)
    {
        _connection = connection;
        _sender = sender;
        _status = status;
        _telemetry = telemetry;
        _commands = commands;
        _supervisor = supervisor;
        _remoteConfiguration = remoteConfiguration;
        _homeAssistant = homeAssistant;
        _duplicates = duplicates;
        _logger = logger;
        _connection.SessionStarting = OnSessionStartingAsync;
        _connection.MessageReceived = OnMessage;
        if (duplicates is not null)
        {
            _connection.SessionTakenOver = duplicates.SessionTakenOver;
            _connection.SessionLost = lasted => duplicates.SessionEnded(lasted);
        }

        // The retained status goes out again with every telemetry tick (same content, "at" = now): the newest status
        // of a live kiosk is at most one telemetry interval old, whatever console reads it (mqtt.md).
        _telemetry.Ticked += _status.Refresh;
    }

    /// <summary>Completes when the first connection is up (subscribed, status published).</summary>
    public Task FirstSession => _firstSession.Task;

    /// <summary>Publishes <c>offline</c>, disconnects cleanly, then stops the loops.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _connection.DisconnectAsync(_status.Build(KioskState.Offline), cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_connection.Enabled)
        {
            LogDisabled(_logger);
            return;
        }

        (string Name, Func<CancellationToken, Task> Loop)[] loops =
        [
            ("connection", _connection.RunAsync),
            ("outbox", _sender.RunAsync),
            ("status", _status.RunAsync),
            ("telemetry", _telemetry.RunAsync),
            ("commands", _commands.RunAsync),
            ("desired configuration", DesiredLoopAsync),
        ];

        // Each loop under the supervisor: one that throws is logged, raises fleet_fault and runs again after a
        // back-off, while the others go on.
        await Task.WhenAll(loops.Select(l => Task.Run(() => _supervisor.RunAsync(l.Name, l.Loop, stoppingToken), CancellationToken.None)));
    }

    private async Task OnSessionStartingAsync(FleetSession session, CancellationToken cancellationToken)
    {
        var topics = _connection.Topics;
        var filters = new List<string> { topics.CommandFilter, topics.SiteCommandFilter };
        if (_remoteConfiguration is not null)
        {
            filters.Add(topics.ConfigDesired);
        }

        if (_duplicates is not null)
        {
            // Before our own status goes out: the retained message the subscription brings is the one before it.
            filters.Add(topics.Status);
        }

        await _connection.SubscribeAsync(filters, cancellationToken);
        await _status.PublishAsync(session, cancellationToken);
        await PublishReportedAsync(session, cancellationToken);
        if (_homeAssistant is not null)
        {
            await _homeAssistant.PublishAsync(session, cancellationToken);
        }

        _firstSession.TrySetResult();
    }

    private void OnMessage(MqttApplicationMessage message, DateTimeOffset receivedAt)
    {
        var topics = _connection.Topics;
        if (message.Topic == topics.Status)
        {
            _duplicates?.StatusReceived(message.Payload, message.Retain);
            return;
        }

        if (message.Topic == topics.ConfigDesired)
        {
            if (_remoteConfiguration is not null && message.Payload.Length > 0)
            {
                _desired.Writer.TryWrite(System.Buffers.BuffersExtensions.ToArray(message.Payload));
            }

            return;
        }

        if (topics.TryParseCommand(message.Topic, out var name))
        {
            _commands.Enqueue(name, message, receivedAt);
        }
    }

    private async Task DesiredLoopAsync(CancellationToken cancellationToken)
    {
        if (_remoteConfiguration is null)
        {
            return;
        }

        try
        {
            await foreach (var document in _desired.Reader.ReadAllAsync(cancellationToken))
            {
                _remoteConfiguration.Apply(document);
                try
                {
                    var session = await _connection.WaitForSessionAsync(cancellationToken);
                    await PublishReportedAsync(session, cancellationToken);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
                {
                    // Includes the session ending mid-publish: the next connect reports anyway; keep reading.
                    LogReportedFailed(_logger, ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task PublishReportedAsync(FleetSession session, CancellationToken cancellationToken)
    {
        if (_remoteConfiguration is null)
        {
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Ended);
        var message = _connection.CreateMessage(_connection.Topics.ConfigReported, _remoteConfiguration.BuildReported(), MqttQualityOfServiceLevel.AtLeastOnce, retain: true, session.IsMqtt5);
        await _connection.PublishAsync(message, linked.Token);
    }

    [LoggerMessage(EventId = 780, Level = LogLevel.Information, Message = "Fleet link disabled: no broker configured and no embedded broker")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(EventId = 781, Level = LogLevel.Warning, Message = "Fleet: config/reported not published ({Error}); it goes out on the next connect")]
    private static partial void LogReportedFailed(ILogger logger, string error);
}
