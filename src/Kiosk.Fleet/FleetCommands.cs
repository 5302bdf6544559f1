using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Kiosk.Core.Checkpoint;
using Kiosk.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging;

namespace Kiosk.Fleet;

/// <summary>
/// Commands of mqtt.md on <c>{kiosk}/cmd/{name}</c> and <c>{site}/all/cmd/{name}</c>: <c>ping</c>,
/// <c>screenshot</c>, <c>resync</c>, <c>selftest</c>, <c>open-gate</c>, <c>restart</c>. MQTT 5: the answer goes to the request's
/// response topic with its correlation data; otherwise (3.1.1, or no response topic) to <c>{kiosk}/cmd/{name}/result</c>
/// with the request's <c>requestId</c>. A command older than its message expiry (MQTT 5 property, counted from
/// arrival) or than <c>sentAt</c> + <c>expirySeconds</c> in its JSON body is dropped, not run late. Commands run one
/// at a time, in arrival order, off MQTTnet's receive path.
/// </summary>
public sealed partial class FleetCommands
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    private readonly FleetConnection _connection;
    private readonly FleetIdentity _identity;
    private readonly IIndicators _indicators;
    private readonly IAlerts _alerts;
    private readonly TimeProvider _time;
    private readonly ILogger<FleetCommands> _logger;
    private readonly IScreenshotSource? _screenshot;
    private readonly IColorResync? _resync;
    private readonly ISelfTest? _selfTest;
    private readonly IKioskRestart? _restart;
    private readonly Channel<Request> _queue = Channel.CreateBounded<Request>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private long _received;
    private long _executed;
    private long _expired;

    /// <summary>Creates the command handler.</summary>
    /// <param name="connection">The connection (answers).</param>
    /// <param name="identity">Boot id, version, uptime for <c>ping</c>.</param>
    /// <param name="indicators">Gate for <c>open-gate</c>.</param>
    /// <param name="alerts">Audit of <c>open-gate</c> (<c>gate_opened</c>).</param>
    /// <param name="time">Clock (expiry).</param>
    /// <param name="logger">Logger.</param>
    /// <param name="screenshot">Screen capture; null = <c>screenshot</c> answers "not available".</param>
    /// <param name="resync">Color resync; null = <c>resync</c> answers "not available".</param>
    /// <param name="selfTest">Self test; null = <c>selftest</c> answers "not available".</param>
    /// <param name="restart">Process restart; null = <c>restart</c> answers "not available".</param>
    public FleetCommands(FleetConnection connection, FleetIdentity identity, IIndicators indicators, IAlerts alerts, TimeProvider time, ILogger<FleetCommands> logger, IScreenshotSource? screenshot = null, IColorResync? resync = null, ISelfTest? selfTest = null, IKioskRestart? restart = null)
    {
        _connection = connection;
        _identity = identity;
        _indicators = indicators;
        _alerts = alerts;
        _time = time;
        _logger = logger;
        _screenshot = screenshot;
        _resync = resync;
        _selfTest = selfTest;
        _restart = restart;
    }

    /// <summary>Commands received (queued) since start.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Commands run (answered) since start.</summary>
    public long Executed => Interlocked.Read(ref _executed);

    /// <summary>Commands dropped because they had expired.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    /// <summary>Queues a received command (called on the receive path; never blocks).</summary>
    public bool Enqueue(string name, MqttApplicationMessage message, DateTimeOffset receivedAt)
    {
        var request = new Request(name, message.Topic, System.Buffers.BuffersExtensions.ToArray(message.Payload), message.ResponseTopic, message.CorrelationData, message.MessageExpiryInterval, receivedAt);
        if (_queue.Writer.TryWrite(request))
        {
            Interlocked.Increment(ref _received);
            return true;
        }

        LogQueueFull(_logger, name);
        return false;
    }

    /// <summary>Runs queued commands until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var request in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    await HandleAsync(request, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogHandlerFailed(_logger, request.Name, ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task HandleAsync(Request request, CancellationToken cancellationToken)
    {
        string? requestId = null;
        DateTimeOffset? sentAt = null;
        double? expirySeconds = null;
        string? parseError = null;
        if (request.Payload.Length > 0)
        {
            try
            {
                using var body = JsonDocument.Parse(request.Payload);
                if (body.RootElement.ValueKind == JsonValueKind.Object)
                {
                    var root = body.RootElement;
                    if (root.TryGetProperty("requestId", out var id))
                    {
                        requestId = Sanitize(id.ValueKind == JsonValueKind.String ? id.GetString() : id.GetRawText());
                    }

                    if (root.TryGetProperty("sentAt", out var sent) && sent.ValueKind == JsonValueKind.String
                        && DateTimeOffset.TryParse(sent.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sentValue))
                    {
                        sentAt = sentValue;
                    }

                    if (root.TryGetProperty("expirySeconds", out var expiry) && expiry.ValueKind == JsonValueKind.Number && expiry.TryGetDouble(out var seconds))
                    {
                        expirySeconds = seconds;
                    }
                }
                else
                {
                    parseError = "the request must be a JSON object";
                }
            }
            catch (JsonException)
            {
                parseError = "the request is not JSON";
            }
        }

        var now = _time.GetUtcNow();
        var source = request.Topic.StartsWith(_connection.Topics.SiteAll + "/", StringComparison.Ordinal) ? "site" : "kiosk";
        if ((request.MessageExpirySeconds > 0 && now >= request.ReceivedAt.AddSeconds(request.MessageExpirySeconds))
            || (sentAt is { } s && expirySeconds is { } e && now >= s.AddSeconds(e)))
        {
            Interlocked.Increment(ref _expired);
            LogExpired(_logger, request.Name, source, requestId ?? "-");
            return;
        }

        CommandAnswer answer;
        if (parseError is not null)
        {
            answer = CommandAnswer.Fail(parseError);
        }
        else
        {
            LogRunning(_logger, request.Name, source, requestId ?? "-");
            using var timeout = new CancellationTokenSource(CommandTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                answer = await ExecuteAsync(request.Name, requestId, source, linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                answer = CommandAnswer.Fail($"timed out after {CommandTimeout.TotalSeconds:F0} s");
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                answer = CommandAnswer.Fail($"failed: {ex.GetType().Name}");
            }
        }

        Interlocked.Increment(ref _executed);
        await AnswerAsync(request, requestId, answer, cancellationToken);
        if (request.Name == "restart" && answer.Success)
        {
            // After the answer: the requester hears "restarting" before the kiosk goes offline.
            _restart!.RequestRestart(requestId is null ? $"fleet command ({source})" : $"fleet command ({source}, request {requestId})");
        }
    }

    private async Task<CommandAnswer> ExecuteAsync(string name, string? requestId, string source, CancellationToken cancellationToken)
    {
        switch (name)
        {
            case "ping":
                return CommandAnswer.Ok(w =>
                {
                    w.WriteBoolean("pong", true);
                    w.WriteString("bootId", _identity.BootId);
                    w.WriteString("version", _identity.Version);
                    w.WriteNumber("uptimeS", Math.Round(_identity.Uptime.TotalSeconds, 0));
                });
            case "screenshot":
                if (_screenshot?.CapturePng() is not { } png)
                {
                    return CommandAnswer.Fail("no screen to capture");
                }

                return CommandAnswer.Ok(w =>
                {
                    w.WriteString("contentType", "image/png");
                    w.WriteNumber("bytes", png.Length);
                    w.WriteBase64String("png", png);
                });
            case "resync":
                if (_resync is null)
                {
                    return CommandAnswer.Fail("resync is not available on this kiosk");
                }

                await _resync.ResyncAsync(cancellationToken);
                return CommandAnswer.Ok(w => w.WriteBoolean("resynced", true));
            case "selftest":
                if (_selfTest is null)
                {
                    return CommandAnswer.Fail("selftest is not available on this kiosk");
                }

                var results = await _selfTest.RunAsync(cancellationToken);
                return CommandAnswer.Ok(w =>
                {
                    w.WriteStartObject("devices");
                    foreach (var (device, result) in results.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        w.WriteString(device, result);
                    }

                    w.WriteEndObject();

                    // The same as a table: one row per device with a plain verdict.
                    w.WriteStartArray("checks");
                    foreach (var (device, result) in results.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        var (verdict, detail) = SelfTestVerdict.Split(result);
                        w.WriteStartObject();
                        w.WriteString("device", device);
                        w.WriteString("verdict", verdict);
                        w.WriteString("detail", detail);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteString("verdict", results.Values.Any(r => SelfTestVerdict.Split(r).Verdict == SelfTestVerdict.Fault) ? SelfTestVerdict.Fault : SelfTestVerdict.Ok);
                });
            case "open-gate":
                _indicators.OpenGate();
                LogGateOpened(_logger, source, requestId ?? "-");
                _alerts.Notify(AlertKinds.GateOpened, requestId is null ? $"manual release by fleet command ({source})" : $"manual release by fleet command ({source}, request {requestId})");
                return CommandAnswer.Ok(w => w.WriteBoolean("opened", true));
            case "restart":
                if (_restart is null)
                {
                    return CommandAnswer.Fail("restart is not available on this kiosk");
                }

                LogRestart(_logger, source, requestId ?? "-");
                return CommandAnswer.Ok(w => w.WriteBoolean("restarting", true));
            default:
                return CommandAnswer.Fail($"unknown command; known: {string.Join(", ", KioskCommands.Names)}");
        }
    }

    private async Task AnswerAsync(Request request, string? requestId, CommandAnswer answer, CancellationToken cancellationToken)
    {
        var payload = FleetJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("command", request.Name);
            w.WriteString("kioskId", _connection.Topics.KioskId);
            if (requestId is null)
            {
                w.WriteNull("requestId");
            }
            else
            {
                w.WriteString("requestId", requestId);
            }

            w.WriteBoolean("ok", answer.Success);
            w.WriteString("at", FleetJson.Timestamp(_time.GetUtcNow()));
            if (answer.Result is { } result)
            {
                w.WriteStartObject("result");
                result(w);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("result");
            }

            if (answer.Error is { } error)
            {
                w.WriteString("error", error);
            }
            else
            {
                w.WriteNull("error");
            }

            w.WriteEndObject();
        });

        try
        {
            var session = await _connection.WaitForSessionAsync(cancellationToken);
            var toResponseTopic = session.IsMqtt5 && !string.IsNullOrEmpty(request.ResponseTopic);
            var topic = toResponseTopic ? request.ResponseTopic! : _connection.Topics.CommandResult(request.Name);
            var message = _connection.CreateMessage(topic, payload, MqttQualityOfServiceLevel.AtLeastOnce, retain: false, session.IsMqtt5);
            if (toResponseTopic && request.CorrelationData is { Length: > 0 } correlation)
            {
                message.CorrelationData = correlation;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Ended);
            await _connection.PublishAsync(message, linked.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            LogAnswerFailed(_logger, request.Name, ex.GetType().Name);
        }
    }

    private static string? Sanitize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var clean = new string(text.Where(c => !char.IsControl(c)).Take(128).ToArray());
        return clean.Length == 0 ? null : clean;
    }

    private sealed record Request(string Name, string Topic, byte[] Payload, string? ResponseTopic, byte[]? CorrelationData, uint MessageExpirySeconds, DateTimeOffset ReceivedAt);

    private sealed record CommandAnswer(bool Success, Action<Utf8JsonWriter>? Result, string? Error)
    {
        public static CommandAnswer Ok(Action<Utf8JsonWriter> result) => new(true, result, null);

        public static CommandAnswer Fail(string error) => new(false, null, error);
    }

    [LoggerMessage(EventId = 750, Level = LogLevel.Information, Message = "Fleet command {Name} ({Source}, request {RequestId})")]
    private static partial void LogRunning(ILogger logger, string name, string source, string requestId);

    [LoggerMessage(EventId = 751, Level = LogLevel.Warning, Message = "Fleet command {Name} ({Source}, request {RequestId}) expired before it could run: dropped")]
    private static partial void LogExpired(ILogger logger, string name, string source, string requestId);

    [LoggerMessage(EventId = 752, Level = LogLevel.Warning, Message = "Fleet command open-gate: gate released manually ({Source}, request {RequestId})")]
    private static partial void LogGateOpened(ILogger logger, string source, string requestId);

    [LoggerMessage(EventId = 756, Level = LogLevel.Warning, Message = "Fleet command restart: the kiosk restarts ({Source}, request {RequestId})")]
    private static partial void LogRestart(ILogger logger, string source, string requestId);

    [LoggerMessage(EventId = 753, Level = LogLevel.Warning, Message = "Fleet command {Name}: queue full, dropped")]
    private static partial void LogQueueFull(ILogger logger, string name);

    [LoggerMessage(EventId = 754, Level = LogLevel.Warning, Message = "Fleet command {Name}: answer not delivered ({Error})")]
    private static partial void LogAnswerFailed(ILogger logger, string name, string error);

    [LoggerMessage(EventId = 755, Level = LogLevel.Error, Message = "Fleet command {Name} failed ({Error})")]
    private static partial void LogHandlerFailed(ILogger logger, string name, string error);
}
