using System.Collections.Concurrent;
using Kiosk.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging;

namespace Kiosk.Fleet;

/// <summary>
/// Drains the <see cref="SqliteOutbox"/> while connected: events go out in row order as QoS 1 publishes, several in
/// flight at once (<see cref="FleetSession.MaxInFlight"/>); acknowledged rows are deleted in batches. A row is only
/// deleted after its PUBACK; whatever was in flight when a connection drops is sent again on the next one (at
/// least once: consumers drop duplicates by <c>eventId</c>).
/// </summary>
public sealed partial class OutboxSender
{
    private const int ReadBatch = 512;
    private const int AckFlushBatch = 256;

    private readonly SqliteOutbox _outbox;
    private readonly FleetConnection _connection;
    private readonly ILogger<OutboxSender> _logger;
    private readonly ConcurrentQueue<long> _acked = new();
    private long _rewindTo = long.MaxValue;
    private long _sent;
    private long _rejected;

    /// <summary>Creates the sender.</summary>
    public OutboxSender(SqliteOutbox outbox, FleetConnection connection, ILogger<OutboxSender> logger)
    {
        _outbox = outbox;
        _connection = connection;
        _logger = logger;
    }

    /// <summary>Events acknowledged by the broker since start.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Events the broker acknowledged with an error reason (e.g. not authorised) and that were therefore removed.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Raised after a batch of acknowledged rows was deleted (tests, benchmarks).</summary>
    public event Action? Flushed;

    /// <summary>
    /// Raised on the broker's acknowledgement of one entry, before its row is deleted (benchmarks, diagnostics). A
    /// subscriber that throws is logged; delivery is not affected.
    /// </summary>
    public event Action<OutboxEntry>? Acknowledged;

    /// <summary>Sends until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            FleetSession session;
            try
            {
                session = await _connection.WaitForSessionAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await DrainAsync(session, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Session ended or stopping: what was not acknowledged stays in the outbox.
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogDrainFailed(_logger, ex.GetType().Name, ex.Message);
            }
            finally
            {
                FlushAcks();
            }
        }
    }

    private async Task DrainAsync(FleetSession session, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Ended);
        var token = linked.Token;
        using var window = new SemaphoreSlim(session.MaxInFlight, session.MaxInFlight);
        var inFlight = 0;
        long cursor = 0;
        Interlocked.Exchange(ref _rewindTo, long.MaxValue);
        while (true)
        {
            token.ThrowIfCancellationRequested();
            if (_acked.Count >= AckFlushBatch || Volatile.Read(ref inFlight) == 0)
            {
                FlushAcks();
            }

            var rewind = Interlocked.Exchange(ref _rewindTo, long.MaxValue);
            if (rewind < cursor)
            {
                FlushAcks();
                cursor = rewind;
            }

            var batch = _outbox.ReadAfter(cursor, ReadBatch);
            if (batch.Count == 0)
            {
                await _outbox.WaitForWorkAsync(token);
                continue;
            }

            foreach (var entry in batch)
            {
                await window.WaitAsync(token);
                cursor = entry.Id;
                Interlocked.Increment(ref inFlight);
                var message = _connection.CreateMessage(Topic(entry.Topic), entry.Payload, MqttQualityOfServiceLevel.AtLeastOnce, retain: false, session.IsMqtt5);
                _ = SendOneAsync(entry, message, window, token, () => Interlocked.Decrement(ref inFlight));
            }
        }
    }

    private async Task SendOneAsync(OutboxEntry entry, MqttApplicationMessage message, SemaphoreSlim window, CancellationToken token, Func<int> done)
    {
        var acknowledged = false;
        try
        {
            var result = await _connection.PublishAsync(message, token);
            if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
            {
                // A PUBACK with an error (ACL, quota, payload): retrying would block the outbox forever.
                Interlocked.Increment(ref _rejected);
                LogRejected(_logger, entry.Id, result.ReasonCode.ToString());
            }
            else
            {
                Interlocked.Increment(ref _sent);
            }

            _acked.Enqueue(entry.Id);
            acknowledged = true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not acknowledged: send again from this row (same session if it is still up, else the next one).
            InterlockedMin(ref _rewindTo, entry.Id - 1);
            if (!token.IsCancellationRequested)
            {
                LogPublishFailed(_logger, entry.Id, ex.GetType().Name);
            }
        }
        finally
        {
            try
            {
                window.Release();
            }
            catch (ObjectDisposedException)
            {
                // The session's window is gone.
            }

            if (done() == 0 || _acked.Count >= AckFlushBatch)
            {
                _outbox.Signal();
            }
        }

        // After the row counts as sent, outside the delivery path: a failing subscriber must not rewind it.
        if (acknowledged)
        {
            NotifyAcknowledged(entry);
        }
    }

    private void NotifyAcknowledged(OutboxEntry entry)
    {
        try
        {
            Acknowledged?.Invoke(entry);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSubscriberFailed(_logger, entry.Id, ex.GetType().Name);
        }
    }

    private void FlushAcks()
    {
        if (_acked.IsEmpty)
        {
            return;
        }

        var ids = new List<long>(Math.Min(_acked.Count, 4096));
        while (_acked.TryDequeue(out var id))
        {
            ids.Add(id);
        }

        _outbox.Remove(ids);
        Flushed?.Invoke();
    }

    private string Topic(OutboxTopic topic) => topic == OutboxTopic.Alert ? _connection.Topics.AlertEvents : _connection.Topics.DecisionEvents;

    private static void InterlockedMin(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    [LoggerMessage(EventId = 720, Level = LogLevel.Warning, Message = "Fleet: outbox row {Id} not acknowledged ({Error}); it will be sent again")]
    private static partial void LogPublishFailed(ILogger logger, long id, string error);

    [LoggerMessage(EventId = 721, Level = LogLevel.Error, Message = "Fleet: the broker refused outbox row {Id} ({Reason}); removed (check the broker ACL)")]
    private static partial void LogRejected(ILogger logger, long id, string reason);

    [LoggerMessage(EventId = 723, Level = LogLevel.Warning, Message = "Fleet: a subscriber of acknowledged outbox row {Id} failed ({Error}); delivery is not affected")]
    private static partial void LogSubscriberFailed(ILogger logger, long id, string error);

    [LoggerMessage(EventId = 722, Level = LogLevel.Warning, Message = "Fleet: outbox drain stopped: {Error}: {Message}")]
    private static partial void LogDrainFailed(ILogger logger, string error, string message);
}
