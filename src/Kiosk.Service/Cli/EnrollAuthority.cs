using System.Buffers;
using System.Globalization;
using System.Threading.Channels;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Colors;
using Kiosk.Core;
using Kiosk.Fleet;
using MQTTnet;
using MQTTnet.Protocol;

namespace Kiosk.Service.Cli;

/// <summary>The authority key as <c>kiosk enroll --authority-from-broker</c> read it.</summary>
/// <param name="SubjectPublicKeyInfo">The key's SubjectPublicKeyInfo DER (P-256).</param>
/// <param name="Topics">The topics whose retained messages it signed.</param>
/// <param name="Where">The broker that answered, <c>host:port</c>.</param>
/// <param name="After">Empty, or the brokers of the list that failed before it: <c> (after a:8883: Connection refused)</c>.</param>
internal sealed record BrokerAuthorityKey(byte[] SubjectPublicKeyInfo, IReadOnlyList<string> Topics, string Where, string After);

/// <summary>
/// <c>kiosk enroll --authority-from-broker</c>: the feed authority's public key from the feed broker. The retained
/// <c>trust</c>, <c>colors/heartbeat</c> and <c>colors/snapshot</c> (a snapshot or a manifest) are COSE_Sign1 by the
/// authority key (color-feed.md); they carry its signatures, not the key. One ECDSA signature fits up to 4 public keys,
/// two signatures by one key meet in that key (<see cref="AuthorityKeyRecovery"/>). What is read here is only a
/// candidate: the installer confirms its fingerprint against the authority's paperwork, as with a key file.
/// </summary>
internal static class EnrollAuthority
{
    /// <summary>Once two topics have answered, how long to wait for the third's retained message.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    /// <summary>Retained messages larger than this are not read (the authority sends none over 1 MiB).</summary>
    public const int MaxMessageBytes = 64 * 1024 * 1024;

    /// <summary>The retained topics whose messages the authority signs, in the order they are named.</summary>
    public static IReadOnlyList<string> Topics(FeedLinkOptions link) =>
        [link.TopicPrefix + "trust", link.TopicPrefix + "colors/heartbeat", link.TopicPrefix + "colors/snapshot"];

    /// <summary>
    /// Connects with the feed link's settings (its brokers in turn, protocol, TLS, login: <see cref="EnrollConnection"/>), reads the retained signed messages within
    /// <paramref name="timeout"/> and recovers the key that signed them all; every failure is a
    /// <see cref="KioskInputException"/> of one line (exit 2).
    /// </summary>
    public static async Task<BrokerAuthorityKey> ReadAsync(FeedLinkOptions link, string feed, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var topics = Topics(link);
        var (messages, where, after) = await CollectAsync(link, topics, timeout, time, cancellationToken);
        var signed = topics.Where(messages.ContainsKey).Select(t => new SignedFeedMessage(t, messages[t])).ToList();
        if (signed.Count == 0)
        {
            throw new KioskInputException($"no retained {string.Join(", ", topics)} on {where} within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s: the authority publishes elsewhere (--feed-broker) or the ACL hides {link.TopicPrefix}#; or give --authority-key-file");
        }

        var result = AuthorityKeyRecovery.Recover(signed);
        if (!result.Found)
        {
            throw new KioskInputException($"cannot read the authority key from {where}: {result.Error}; or give --authority-key-file");
        }

        using var key = ParseAuthorityKey(result.Key!, where);
        foreach (var message in signed)
        {
            var feedName = FeedCodec.Decode(message.Cose.Span, key).Message switch
            {
                HeartbeatMessage h => h.Feed,
                SnapshotMessage s => s.Feed,
                ManifestMessage m => m.Feed,
                _ => null,
            };
            if (feedName is not null && !string.Equals(feedName, feed, StringComparison.Ordinal))
            {
                throw new KioskInputException($"the retained {message.Name} on {where} is of another feed than --feed {OneLine.Of(feed)}: check --feed against the authority's feed name, or --feed-broker");
            }
        }

        return new BrokerAuthorityKey(result.Key!, signed.Select(m => m.Name).ToArray(), where, after);
    }

    private static System.Security.Cryptography.ECDsa ParseAuthorityKey(byte[] spki, string where)
    {
        try
        {
            return AuthorityKey.FromSpki(spki);
        }
        catch (FormatException ex)
        {
            throw new KioskInputException($"the messages on {where} are signed by one key, but {OneLine.Of(ex.Message)}");
        }
    }

    private static async Task<(Dictionary<string, byte[]> Messages, string Where, string After)> CollectAsync(FeedLinkOptions link, IReadOnlyList<string> topics, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var arrived = Channel.CreateUnbounded<(string Topic, byte[] Payload)>(new UnboundedChannelOptions { SingleReader = true });
        Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
        {
            var payload = e.ApplicationMessage.Payload;
            if (payload.Length is > 0 and <= MaxMessageBytes && topics.Contains(e.ApplicationMessage.Topic))
            {
                arrived.Writer.TryWrite((e.ApplicationMessage.Topic, payload.ToArray()));
            }

            return Task.CompletedTask;
        }

        // The feed link's protocol and list of brokers, as the kiosk's feed link goes round it: the first that answers.
        EnrollConnection connection;
        try
        {
            connection = await EnrollConnection.ConnectAsync(ColorFeedOptions.Section, link, link.Security, $"enroll-key-{Guid.NewGuid():N}", timeout, time, cancellationToken, client => client.ApplicationMessageReceivedAsync += OnMessage);
        }
        catch (EnrollConnectException ex)
        {
            throw new KioskInputException($"cannot read the authority key: {ex.Message}; {ex.Fix("check the address, the port (1883, TLS 8883) and the firewall")}");
        }

        var where = connection.Where;
        try
        {
            using var deadline = new CancellationTokenSource(timeout, time);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
            try
            {
                var refused = await connection.SubscribeAsync(topics, time, limit.Token);
                if (refused.Count == topics.Count)
                {
                    throw new KioskInputException($"cannot read the authority key: {where} does not let this login read {link.TopicPrefix}# (the broker's ACL)");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new KioskInputException($"cannot read the authority key: {where} took the login but did not answer the subscription within {EnrollConnection.Seconds(timeout)} s");
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or IOException or InvalidOperationException)
            {
                throw new KioskInputException($"cannot read the authority key: {where} dropped the connection ({OneLine.Of(ex.Message)})");
            }

            // Retained messages come right after the subscription; wait for all three topics, or, once two have
            // answered, a short while for the third (a feed may have no snapshot yet), or until the timeout.
            var messages = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            while (messages.Count < topics.Count)
            {
                using var settle = messages.Count >= 2 ? new CancellationTokenSource(Settle, time) : null;
                using var wait = settle is null ? null : CancellationTokenSource.CreateLinkedTokenSource(limit.Token, settle.Token);
                try
                {
                    var (topic, payload) = await arrived.Reader.ReadAsync((wait ?? limit).Token);
                    messages[topic] = payload;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }

            return (messages, where, connection.After);
        }
        finally
        {
            await connection.CloseAsync();
        }
    }
}
