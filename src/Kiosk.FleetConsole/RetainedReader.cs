using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Kiosk.Core;
using Kiosk.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace Kiosk.FleetConsole;

/// <summary>
/// Reads what the broker retains under some filters, once. MQTT has no "end of retained messages", so after
/// subscribing the reader publishes a marker to its own reply topic: the broker queues it behind the retained
/// messages it is delivering, so when the marker comes back everything retained has arrived. Where the user may not
/// read its reply topic (a read-only monitoring user), it waits instead until nothing has come for
/// <see cref="QuietPeriod"/> (<see cref="MarkerSilence"/> when the broker took the marker but does not deliver it).
/// </summary>
public static class RetainedReader
{
    /// <summary>The fallback's silence that ends the retained burst.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(400);

    /// <summary>The silence that ends the wait when the marker was sent but does not come back (no right to read it).</summary>
    public static readonly TimeSpan MarkerSilence = TimeSpan.FromSeconds(1);

    /// <summary>Topic → payload of the retained messages under <paramref name="filters"/> that <paramref name="accept"/> takes (cleared ones left out).</summary>
    public static Task<IReadOnlyDictionary<string, byte[]>> ReadAsync(FleetConsoleSession session, IReadOnlyList<string> filters, Func<string, bool> accept, TimeProvider time, CancellationToken cancellationToken) =>
        ReadAsync(session, filters, (topic, payload) => accept(topic) ? payload.ToArray() : null, time, cancellationToken);

    /// <summary>
    /// Topic → <paramref name="read"/>'s value of the retained messages under <paramref name="filters"/> (null = not
    /// taken; cleared ones left out). <paramref name="read"/> runs as each message arrives, so reading overlaps the
    /// transfer. A refused subscription is one <see cref="KioskInputException"/> line, unless its filter is in
    /// <paramref name="optional"/> (then it is simply not read).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, T>> ReadAsync<T>(FleetConsoleSession session, IReadOnlyList<string> filters, Func<string, ReadOnlySequence<byte>, T?> read, TimeProvider time, CancellationToken cancellationToken, IReadOnlyCollection<string>? optional = null)
        where T : class
    {
        var marker = $"{session.ReplyRoot}/sync/{Guid.NewGuid():N}";
        var messages = new ConcurrentDictionary<string, T>(StringComparer.Ordinal);
        var markerSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lastArrival = time.GetTimestamp();

        void OnMessage(MqttApplicationMessage message, DateTimeOffset receivedAt)
        {
            if (message.Topic == marker)
            {
                markerSeen.TrySetResult();
                return;
            }

            if (message.Payload.Length == 0)
            {
                // Cleared, if it was one of ours.
                if (messages.TryRemove(message.Topic, out _))
                {
                    Interlocked.Exchange(ref lastArrival, time.GetTimestamp());
                }

                return;
            }

            if (read(message.Topic, message.Payload) is { } value)
            {
                Interlocked.Exchange(ref lastArrival, time.GetTimestamp());
                messages[message.Topic] = value;
            }
        }

        session.MessageReceived += OnMessage;
        try
        {
            using var timeout = new CancellationTokenSource(session.Settings.Timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            var token = linked.Token;
            try
            {
                var fleetSession = await session.WaitForSessionAsync(token);
                // QoS 0: the broker sends the retained messages at once, without waiting for an acknowledgement of each
                // (and without its in-flight limit); on a live connection nothing is lost, and a drop fails the read.
                var refused = await session.SubscribeAsync([marker, .. filters], token, MqttQualityOfServiceLevel.AtMostOnce);
                var markerRefused = refused.Contains(marker);
                if (refused.FirstOrDefault(f => f != marker && (optional is null || !optional.Contains(f))) is { } denied)
                {
                    throw new KioskInputException($"the broker refused the subscription to {denied} (not authorized: check the broker ACL)");
                }

                Interlocked.Exchange(ref lastArrival, time.GetTimestamp());
                using var whileConnected = CancellationTokenSource.CreateLinkedTokenSource(token, fleetSession.Ended);
                token = whileConnected.Token;
                var quiet = QuietPeriod;
                if (!markerRefused)
                {
                    await session.PublishAsync(fleetSession, session.CreateMessage(fleetSession, marker, Encoding.UTF8.GetBytes("{}"), retain: false), token);

                    // Some brokers grant a subscription the ACL will not deliver on (Mosquitto 2.0 checks reads per
                    // message): then the marker never comes back and a longer silence ends the wait.
                    quiet = MarkerSilence;
                }

                while (!markerSeen.Task.IsCompleted)
                {
                    var left = quiet - time.GetElapsedTime(Interlocked.Read(ref lastArrival));
                    if (left <= TimeSpan.Zero)
                    {
                        break;
                    }

                    try
                    {
                        await markerSeen.Task.WaitAsync(left, time, token);
                    }
                    catch (TimeoutException)
                    {
                        // Something may have arrived meanwhile: look at the silence again.
                    }
                }

                session.RepliesReadable = markerSeen.Task.IsCompleted;
            }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new KioskInputException($"the connection to the broker {session.Settings.Endpoint} was lost while reading {string.Join(", ", filters)}: {session.LastError ?? "disconnected"}");
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new KioskInputException($"the retained messages under {string.Join(", ", filters)} did not arrive within {FleetConsoleSession.Seconds(session.Settings.Timeout)} s ({messages.Count} so far)");
            }
        }
        finally
        {
            session.MessageReceived -= OnMessage;
        }

        return messages;
    }

    /// <summary>
    /// The retained status of every kiosk matching <paramref name="site"/> and <paramref name="kioskId"/> (null = any).
    /// With <paramref name="withTelemetry"/>, the read also takes whatever telemetry arrives meanwhile and each row's
    /// LAST SEEN is the newer of its status and its telemetry (<see cref="KioskTelemetry.LastSeen"/>); a user who may
    /// not read telemetry still gets the statuses.
    /// </summary>
    public static async Task<IReadOnlyList<KioskStatusRow>> ReadStatusesAsync(FleetConsoleSession session, string? site, string? kioskId, TimeProvider time, CancellationToken cancellationToken, bool withTelemetry = false)
    {
        var prefix = session.Settings.Prefix;
        var telemetryFilter = FleetTopics.Filter(prefix, site, kioskId, "telemetry");
        var telemetry = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        IReadOnlyList<string> filters = withTelemetry ? [FleetTopics.Filter(prefix, site, kioskId, "status"), telemetryFilter] : [FleetTopics.Filter(prefix, site, kioskId, "status")];
        var retained = await ReadAsync(session, filters, (topic, payload) =>
        {
            if (!FleetTopics.TryParse(prefix, topic, out var s, out var k, out var rest) || (site is not null && s != site) || (kioskId is not null && k != kioskId))
            {
                return null;
            }

            if (rest == "telemetry" && withTelemetry && KioskTelemetry.Parse(payload.ToArray()) is { } t)
            {
                telemetry.AddOrUpdate($"{s}/{k}", t.At, (_, before) => before > t.At ? before : t.At);
            }

            return rest == "status" ? KioskStatusRow.Parse(s, k, payload.ToArray()) : null;
        }, time, cancellationToken, optional: [telemetryFilter]);
        return retained.Values
            .Select(row => telemetry.TryGetValue(row.Name, out var at) ? row with { LastSeen = KioskTelemetry.LastSeen(row.LastSeen, at) } : row)
            .ToArray();
    }
}
