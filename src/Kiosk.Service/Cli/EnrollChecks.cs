using System.Buffers;
using System.Globalization;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Colors;
using Kiosk.Core;
using Kiosk.Core.Configuration;
using Kiosk.Core.Identity;
using Kiosk.Devices.Screen;
using Kiosk.Devices.Temperature;
using Kiosk.Devices.Voice;
using Kiosk.Drivers.Camera;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Microsoft.Extensions.Configuration;
using MQTTnet;
using MQTTnet.Protocol;

namespace Kiosk.Service.Cli;

/// <summary>One check of <c>kiosk enroll</c>: passed or not, what was seen, and what to do when it failed.</summary>
/// <param name="Name">The part checked (<c>broker</c>, <c>feed</c>, <c>data</c>, <c>camera</c>, ...).</param>
/// <param name="Passed">True when the part is ready.</param>
/// <param name="Seen">What the check saw, in words.</param>
/// <param name="Fix">What to do about a failure; null when passed.</param>
internal sealed record EnrollCheck(string Name, bool Passed, string Seen, string? Fix = null)
{
    /// <summary><c>ok    broker        reachable ...</c> or <c>FAIL  feed  ...: do this</c>.</summary>
    public string Line() => $"{(Passed ? "ok  " : "FAIL")}  {Name,-12}  {Seen}{(Fix is null ? string.Empty : $" -> {Fix}")}";
}

/// <summary>
/// The checks of <c>kiosk enroll</c>, in order: broker reachable and authorized, feed seen (a retained message signed
/// by the authority key, of the named feed), data in sync (the local store against the feed), then the devices the
/// written configuration names (camera, thermometer, card reader, display, sound) under a root directory.
/// </summary>
internal static class EnrollChecks
{
    /// <summary>
    /// The fleet link and the color feed's link (brokers, protocol, TLS, login, topic prefix) as the kiosk would read
    /// them from <paramref name="document"/>, the configuration enroll is about to write, checked by the sections'
    /// validators as the kiosk checks them at start (<c>Fleet:Protocol must be "5" or "3.1.1"</c>, the same line as
    /// <c>kiosk fleet --protocol</c> gives): <c>--authority-from-broker</c> reads the key before the file exists.
    /// </summary>
    public static (FleetOptions Fleet, FeedLinkOptions Feed) Links(System.Text.Json.Nodes.JsonObject document)
    {
        using var json = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(document.ToJsonString()));
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonStream(json)
            .Build();
        var fleet = Bind<FleetOptions>(configuration, FleetOptions.Section);
        var feed = Bind<FeedLinkOptions>(configuration, ColorFeedOptions.Section);
        var problems = SectionValidator<FleetOptions>.Check(FleetOptions.Section, fleet)
            .Concat(SectionValidator<FeedLinkOptions>.Check(ColorFeedOptions.Section, feed))
            .Distinct()
            .ToArray();
        if (problems.Length > 0)
        {
            throw new KioskInputException($"configuration is invalid: {string.Join("; ", problems)}");
        }

        return (fleet, feed);
    }

    public static async Task<IReadOnlyList<EnrollCheck>> RunAsync(EnrollValues values, string file, string root, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(file, optional: false)
            .Build();
        var fleet = Bind<FleetOptions>(configuration, FleetOptions.Section);
        var link = Bind<FeedLinkOptions>(configuration, ColorFeedOptions.Section);
        var results = new List<EnrollCheck>
        {
            await BrokerAsync(fleet, values, timeout, time, cancellationToken),
        };

        var (feedCheck, feedSeq) = await FeedAsync(link, values, timeout, time, cancellationToken);
        results.Add(feedCheck);
        results.Add(Data(configuration, values, feedSeq));
        results.AddRange(Devices(configuration, root));
        return results;
    }

    private static string ClientId(string text) => text.Length <= 60 ? text : text[..60];

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : new()
    {
        var options = new T();
        configuration.GetSection(section).Bind(options);
        return options;
    }

    /// <summary>What to do when no broker of the fleet link's list answered, unless the brokers said more (<see cref="EnrollConnectException.Fix"/>).</summary>
    private static string Connectivity(EnrollValues values) =>
        values.Tls ? "check the address, the port, --ca-file and the broker's certificate name" : "check the address and the port (1883, TLS 8883), the firewall, and that the broker runs (systemctl status mosquitto)";

    private static string Protocol(EnrollConnection connection) => connection.IsMqtt311 ? "MQTT 3.1.1" : "MQTT 5";

    private static async Task<EnrollCheck> BrokerAsync(FleetOptions fleet, EnrollValues values, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        EnrollConnection connection;
        try
        {
            connection = await EnrollConnection.ConnectAsync(FleetOptions.Section, fleet, fleet.Security, ClientId($"enroll-{values.KioskId}-{Guid.NewGuid():N}"), timeout, time, cancellationToken);
        }
        catch (EnrollConnectException ex)
        {
            return new EnrollCheck("broker", false, ex.Message, ex.Fix(Connectivity(values)));
        }

        var where = connection.Where;
        try
        {
            using var deadline = new CancellationTokenSource(timeout, time);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            var topics = new FleetTopics(fleet.TopicPrefix, values.Site, values.KioskId);
            string refusal;
            if (connection.IsMqtt311)
            {
                // MQTT 3.1.1 has no refusal of a publish (Mosquitto acknowledges a denied one, NATS drops it), but a
                // SUBACK refuses a filter: authorized is the ACL letting this login read this kiosk's commands.
                var refused = await connection.SubscribeAsync([topics.CommandFilter], time, limit.Token, attempts: 2);
                refusal = refused.Count == 0 ? string.Empty : $"reading its commands refused ({refused[0].Code})";
            }
            else
            {
                // Authorized: the broker's ACL lets this login write as this kiosk. Probed with the answer of a command
                // that was never sent (cmd/enroll/result, which no one waits for), so no status, event or setting is
                // touched; a refusal is the PUBACK's "not authorized" (MQTT 5), or the broker dropping the connection.
                var probe = new MqttApplicationMessageBuilder()
                    .WithTopic(topics.CommandResult("enroll"))
                    .WithPayload("""{"requestId":null,"ok":true,"result":{"enrolled":true}}"""u8.ToArray())
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build();
                MqttClientPublishReasonCode code;
                try
                {
                    code = (await connection.Client.PublishAsync(probe, limit.Token)).ReasonCode;
                }
                catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    code = MqttClientPublishReasonCode.NotAuthorized;
                }

                refusal = code is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers ? string.Empty : code.ToString();
            }

            // What 3.1.1 could show: a NATS cluster refuses another kiosk's commands; Mosquitto's ACL file grants every
            // subscription and filters at delivery, and no 3.1.1 broker refuses a publish. The line says so.
            var checkedWhat = connection.IsMqtt311 ? ": its commands' subscription granted (3.1.1 shows no publish refusal)" : string.Empty;
            return refusal.Length == 0
                ? new EnrollCheck("broker", true, $"reachable at {where} ({Protocol(connection)}) and authorized as {(values.Username ?? (values.ClientCertFile is null ? "anonymous" : "the client certificate"))}{checkedWhat}{connection.After}")
                : new EnrollCheck("broker", false, $"{where} took the login but not as kiosk {values.Site}/{values.KioskId} ({refusal}){connection.After}", "give the login its kiosk's topics in the broker's ACL (deploy/mosquitto/acl: the user name is the kiosk id; a NATS cluster: deploy/nats/kiosk-user.sh), or check --kiosk-id");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new EnrollCheck("broker", false, $"{where} took the login but did not answer within {EnrollConnection.Seconds(timeout)} s{connection.After}", "check the broker's load and log");
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or IOException or InvalidOperationException)
        {
            return new EnrollCheck("broker", false, $"{where} dropped the connection ({Kiosk.Core.OneLine.Of(ex.Message)}){connection.After}", "give the login its kiosk's topics in the broker's ACL, and check the broker's log");
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    private static async Task<(EnrollCheck Check, ulong? Seq)> FeedAsync(FeedLinkOptions link, EnrollValues values, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var key = AuthorityKey.FromBase64Spki(values.AuthorityKey);
        var seen = new TaskCompletionSource<(bool Ok, string What, ulong? Seq)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var rejected = 0;
        Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
        {
            var payload = e.ApplicationMessage.Payload.ToArray();
            if (payload.Length == 0 || payload.Length > 64 * 1024 * 1024)
            {
                return Task.CompletedTask;
            }

            var decoded = FeedCodec.Decode(payload, key);
            switch (decoded.Message)
            {
                case HeartbeatMessage h when h.Feed == values.Feed:
                    seen.TrySetResult((true, $"heartbeat seq {h.Seq.ToString(CultureInfo.InvariantCulture)} at {h.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC", h.Seq));
                    break;
                case SnapshotMessage s when s.Feed == values.Feed:
                    seen.TrySetResult((true, $"snapshot seq {s.Seq.ToString(CultureInfo.InvariantCulture)}", s.Seq));
                    break;
                case ManifestMessage m when m.Feed == values.Feed:
                    seen.TrySetResult((true, $"manifest seq {m.Seq.ToString(CultureInfo.InvariantCulture)}", m.Seq));
                    break;
                case HeartbeatMessage or SnapshotMessage or ManifestMessage:
                    seen.TrySetResult((false, "the feed on this broker is another one than --feed", null));
                    break;
                case null:
                    Interlocked.Increment(ref rejected);
                    break;
            }

            return Task.CompletedTask;
        }

        EnrollConnection connection;
        try
        {
            connection = await EnrollConnection.ConnectAsync(ColorFeedOptions.Section, link, link.Security, $"enroll-feed-{Guid.NewGuid():N}", timeout, time, cancellationToken, client => client.ApplicationMessageReceivedAsync += OnMessage);
        }
        catch (EnrollConnectException ex)
        {
            return (new EnrollCheck("feed", false, ex.Message, ex.Fix("check --feed-broker, its port and the firewall")), null);
        }

        var where = connection.Where;
        try
        {
            using var deadline = new CancellationTokenSource(timeout, time);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            var refused = await connection.SubscribeAsync(link.Topics, time, limit.Token);
            if (refused.Count == link.Topics.Count)
            {
                return (new EnrollCheck("feed", false, $"{where} does not let this login read {link.TopicPrefix}colors/... ({refused[0].Code}){connection.After}", "give the kiosk's login read access to the feed in the broker's ACL"), null);
            }

            try
            {
                var (ok, what, seq) = await seen.Task.WaitAsync(timeout, time, cancellationToken);
                return ok
                    ? (new EnrollCheck("feed", true, $"{values.Feed} seen on {where}: {what}, signed by the authority key{connection.After}"), seq)
                    : (new EnrollCheck("feed", false, $"{what}{connection.After}", "check --feed against the authority's feed name"), null);
            }
            catch (TimeoutException)
            {
                return rejected > 0
                    ? (new EnrollCheck("feed", false, $"{rejected.ToString(CultureInfo.InvariantCulture)} feed message(s) on {where} are not signed by this authority key{connection.After}", "check --authority-key-file and its fingerprint with the authority"), null)
                    : (new EnrollCheck("feed", false, $"no retained {link.TopicPrefix}colors/heartbeat or snapshot on {where} within {EnrollConnection.Seconds(timeout)} s{connection.After}", "check that the authority publishes to this broker (--feed-broker) and the ACL lets the kiosk read hc/v1/#"), null);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (new EnrollCheck("feed", false, $"{where} took the login but did not answer the subscription within {EnrollConnection.Seconds(timeout)} s{connection.After}", "check the feed broker's load and log"), null);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or IOException or InvalidOperationException)
        {
            return (new EnrollCheck("feed", false, $"{where} dropped the connection ({Kiosk.Core.OneLine.Of(ex.Message)}){connection.After}", "check --feed-broker and the broker's log"), null);
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    private static EnrollCheck Data(IConfiguration configuration, EnrollValues values, ulong? feedSeq)
    {
        var directory = configuration["Kiosk:DataDirectory"] is { Length: > 0 } d ? d : "/var/lib/kiosk";
        var database = configuration["ColorFeed:DatabasePath"] is { Length: > 0 } p ? p : "colors.db";
        var path = Path.IsPathRooted(database) ? database : Path.Combine(directory, database);
        if (!File.Exists(path))
        {
            return new EnrollCheck("data", false, $"no color data yet ({path})", feedSeq is null ? "fix the feed first; or provision offline: kiosk colors import DIR" : "start the kiosk (it fetches the snapshot), or provision offline: kiosk colors import DIR");
        }

        try
        {
            using var key = AuthorityKey.FromBase64Spki(values.AuthorityKey);
            using var store = ColorStore.Open(new ColorStoreSettings { DatabasePath = path, Feed = values.Feed, AuthorityKey = key, ResetOnFeedChange = false });
            var local = store.State.Seq;
            if (local is null)
            {
                return new EnrollCheck("data", false, "the color store holds no snapshot", "start the kiosk, or kiosk colors import DIR");
            }

            return feedSeq is { } known && local < known
                ? new EnrollCheck("data", false, $"local seq {local.Value.ToString(CultureInfo.InvariantCulture)}, the feed is at {known.ToString(CultureInfo.InvariantCulture)}", "start the kiosk: it catches up from the feed (kiosk colors status shows the progress)")
                : new EnrollCheck("data", true, $"in sync: local seq {local.Value.ToString(CultureInfo.InvariantCulture)}{(feedSeq is null ? " (the feed was not seen)" : string.Empty)}");
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return new EnrollCheck("data", false, $"cannot read {path} ({Kiosk.Core.OneLine.Of(ex.Message)})", "stop the kiosk while enrolling (sudo systemctl stop kiosk), or run as its user");
        }
    }

    private static IEnumerable<EnrollCheck> Devices(IConfiguration configuration, string root)
    {
        string Under(string path) => Path.Combine(root, path.TrimStart('/'));

        var camera = Bind<CameraOptions>(configuration, CameraOptions.Section);
        if (camera.Source == CameraSourceKind.Uvc)
        {
            yield return File.Exists(Under(camera.Device))
                ? new EnrollCheck("camera", true, $"{camera.Device} is there")
                : new EnrollCheck("camera", false, $"there is no {camera.Device}", "connect the USB camera, or set Camera:Device");
        }
        else if (camera.Source == CameraSourceKind.RpiCam)
        {
            var found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Any(dir => File.Exists(Path.Combine(dir, "rpicam-vid")) || File.Exists(Path.Combine(dir, "libcamera-vid")));
            yield return found && File.Exists(Under("/dev/video0")) || found && Directory.Exists(Under("/dev/media0"))
                ? new EnrollCheck("camera", true, "rpicam-vid and a camera device are there")
                : new EnrollCheck("camera", false, found ? "rpicam-vid is installed but no camera device (/dev/video0)" : "rpicam-vid is not installed", found ? "seat the camera's ribbon cable and reboot" : "sudo apt-get install rpicam-apps-lite");
        }
        else
        {
            yield return new EnrollCheck("camera", true, $"Camera:Source {camera.Source} (no device needed)");
        }

        var thermometer = Bind<ThermometerOptions>(configuration, ThermometerOptions.Section);
        var bus = $"/dev/i2c-{thermometer.BusId.ToString(CultureInfo.InvariantCulture)}";
        yield return File.Exists(Under(bus))
            ? new EnrollCheck("thermometer", true, $"I2C bus {bus} is there (address 0x{thermometer.Address.ToString("X2", CultureInfo.InvariantCulture)})")
            : new EnrollCheck("thermometer", false, $"there is no {bus}", "enable I2C (deploy/raspberrypi/setup-pi.sh, or dtparam=i2c_arm=on), or set Thermometer:BusId");

        var identity = Bind<IdentityOptions>(configuration, IdentityOptions.Section);
        if (identity.Mode == IdentityMode.None)
        {
            yield return new EnrollCheck("card reader", true, "not used (Identity:Mode none)");
        }
        else
        {
            yield return identity.Port is { Length: > 0 } && File.Exists(Under(identity.Port))
                ? new EnrollCheck("card reader", true, $"{identity.Port} is there")
                : new EnrollCheck("card reader", false, $"there is no {identity.Port ?? "Identity:Port"}", "connect the ID card reader, or set Identity:Port (Identity:Mode none if the site has none)");
        }

        var display = Bind<DisplayOptions>(configuration, DisplayOptions.Section);
        if (display.SpiPanel is { } spi)
        {
            var device = $"/dev/spidev{spi.BusId.ToString(CultureInfo.InvariantCulture)}.{spi.ChipSelect.ToString(CultureInfo.InvariantCulture)}";
            yield return File.Exists(Under(device))
                ? new EnrollCheck("display", true, $"SPI panel {device} is there")
                : new EnrollCheck("display", false, $"there is no {device}", "enable SPI (dtparam=spi=on), or set Display:SpiPanel");
        }
        else if (!string.IsNullOrWhiteSpace(display.FramebufferDevice))
        {
            yield return File.Exists(Under(display.FramebufferDevice))
                ? new EnrollCheck("display", true, $"{display.FramebufferDevice} is there")
                : new EnrollCheck("display", false, $"there is no {display.FramebufferDevice}", "connect the panel or HDMI screen, or set Display:FramebufferDevice");
        }
        else
        {
            yield return new EnrollCheck("display", display.PngFile is { Length: > 0 }, display.PngFile is { Length: > 0 } png ? $"headless: screens go to {png}" : "no screen configured", display.PngFile is { Length: > 0 } ? null : "set Display:FramebufferDevice (/dev/fb0) or Display:PngFile");
        }

        var voice = Bind<VoiceOptions>(configuration, VoiceOptions.Section);
        if (!voice.Enabled)
        {
            yield return new EnrollCheck("sound", true, "off (Voice:Enabled false)");
        }
        else
        {
            var cards = Directory.Exists(Under("/dev/snd")) && Directory.EnumerateFiles(Under("/dev/snd"), "pcmC*p").Any();
            yield return cards
                ? new EnrollCheck("sound", true, $"a playback device is there (Voice:Device {voice.Device}); kiosk speak idle plays a prompt")
                : new EnrollCheck("sound", false, "no playback device under /dev/snd", "connect the speaker (USB or HDMI audio) and check aplay -l, or set Voice:Enabled false");
        }
    }
}
