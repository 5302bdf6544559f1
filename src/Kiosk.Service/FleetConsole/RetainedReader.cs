using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Kiosk.Service.Cli;
using Kiosk.Service.Fleet;
using MQTTnet;

namespace Kiosk.Service.FleetConsole;

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
    public static async Task<IReadOnlyDictionary<string, byte[]>> ReadAsync(FleetConsoleSession session, IReadOnlyList<string> filters, Func<string, bool> accept, TimeProvider time, CancellationToken cancellationToken)
    {
        var marker = $"{session.ReplyRoot}/sync/{Guid.NewGuid():N}";
        var messages = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        var markerSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lastArrival = time.GetTimestamp();

        void OnMessage(MqttApplicationMessage message, DateTimeOffset receivedAt)
        {
            if (message.Topic == marker)
            {
                markerSeen.TrySetResult();
                return;
            }

            if (!accept(message.Topic))
            {
                return;
            }

            Interlocked.Exchange(ref lastArrival, time.GetTimestamp());
            if (message.Payload.Length == 0)
            {
                messages.TryRemove(message.Topic, out _); // cleared
            }
            else
            {
                messages[message.Topic] = message.Payload.ToArray();
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
                var markerRefused = (await session.SubscribeAsync([marker], token)).Count > 0;
                var refused = await session.SubscribeAsync(filters, token);
                if (refused.Count > 0)
                {
                    throw new CliInputException($"the broker refused the subscription to {refused[0]} (not authorized: check the broker ACL)");
                }

                Interlocked.Exchange(ref lastArrival, time.GetTimestamp());
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
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new CliInputException($"the retained messages under {string.Join(", ", filters)} did not arrive within {FleetConsoleSession.Seconds(session.Settings.Timeout)} s ({messages.Count} so far)");
            }
        }
        finally
        {
            session.MessageReceived -= OnMessage;
        }

        return messages;
    }

    /// <summary>The retained status of every kiosk matching <paramref name="site"/> and <paramref name="kioskId"/> (null = any).</summary>
    public static async Task<IReadOnlyList<KioskStatusRow>> ReadStatusesAsync(FleetConsoleSession session, string? site, string? kioskId, TimeProvider time, CancellationToken cancellationToken)
    {
        var prefix = session.Settings.Prefix;
        var retained = await ReadAsync(session, [FleetTopics.Filter(prefix, site, kioskId, "status")], topic => IsStatus(prefix, topic, site, kioskId), time, cancellationToken);
        return retained.Select(p =>
        {
            FleetTopics.TryParse(prefix, p.Key, out var s, out var k, out _);
            return KioskStatusRow.Parse(s, k, p.Value);
        }).ToArray();
    }

    private static bool IsStatus(string prefix, string topic, string? site, string? kioskId) =>
        FleetTopics.TryParse(prefix, topic, out var s, out var k, out var rest) && rest == "status"
        && (site is null || s == site) && (kioskId is null || k == kioskId);
}
