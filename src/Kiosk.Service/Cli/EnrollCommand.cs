using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthCode.Formats.Feed;
using Kiosk.Core;

namespace Kiosk.Service.Cli;

/// <summary>
/// <c>kiosk enroll</c>: the installer's first hour in one command. Takes (or, on a terminal, asks for) the site, the
/// kiosk id, the broker(s), the login (user and password, or a client certificate), the feed name and the authority
/// key (from a file, shown as a fingerprint to confirm); writes <c>/etc/kiosk/kiosk.json</c> (mode 0640, owner root,
/// group of the service user <c>kiosk</c> when it exists; other keys already in the file are kept); then checks each
/// part and prints one line per check with what to do about a failure (<see cref="EnrollChecks"/>).
/// Exit code: 0 when every check passed, 1 when one failed (the file is written either way), 2 for bad input.
/// </summary>
internal static class EnrollCommand
{
    /// <summary>Where the service reads its configuration.</summary>
    public const string DefaultOut = "/etc/kiosk/kiosk.json";

    /// <summary>The group the service runs as (deploy/raspberrypi/kiosk.service).</summary>
    public const string ServiceGroup = "kiosk";

    public static Command Create()
    {
        var site = new Option<string?>("--site") { Description = "Site (Kiosk:Site), e.g. station-north" };
        var kioskId = new Option<string?>("--kiosk-id") { Description = "This kiosk's id (Kiosk:KioskId), e.g. door-1" };
        var brokers = new Option<string[]>("--broker") { Description = "The fleet broker HOST[:PORT] (repeat for a cluster)", AllowMultipleArgumentsPerToken = false };
        var tls = new Option<bool>("--tls") { Description = "Connect with TLS (port 8883 unless given)" };
        var protocol = new Option<string?>("--protocol") { Description = "MQTT protocol of both links: 5 or 3.1.1 (a NATS cluster; Fleet:Protocol, ColorFeed:Protocol; default: the file's, else 5)" };
        var caFile = new Option<string?>("--ca-file") { Description = "PEM of the CA the broker's certificate must chain to" };
        var username = new Option<string?>("--username") { Description = "Broker user" };
        var passwordFile = new Option<string?>("--password-file") { Description = "File holding the broker password (or KIOSK_ENROLL_PASSWORD; never typed on the command line)" };
        var clientCert = new Option<string?>("--client-cert") { Description = "Client certificate, PEM or PFX, instead of a password" };
        var clientKey = new Option<string?>("--client-key") { Description = "PEM key of the client certificate" };
        var feed = new Option<string?>("--feed") { Description = "Color feed name (ColorFeed:Feed), e.g. CN-HL" };
        var feedBroker = new Option<string?>("--feed-broker") { Description = "The color feed's broker HOST[:PORT] (default: the fleet broker)" };
        var keyFile = new Option<string?>("--authority-key-file") { Description = "The feed authority's public key: PEM or base64 SubjectPublicKeyInfo" };
        var fromBroker = new Option<bool>("--authority-from-broker") { Description = "Read the authority key from the feed broker instead: recovered from the signatures of its retained trust and heartbeat or snapshot, confirmed by its fingerprint" };
        var fingerprint = new Option<string?>("--fingerprint", "--authority-fingerprint") { Description = "The key's SHA-256 fingerprint as the authority published it (confirms without asking; a key that differs is refused)" };
        var siteSecret = new Option<string?>("--site-secret-file") { Description = "File holding the site's secret (base64, the same on every kiosk of the site); default: a new one" };
        var output = new Option<string>("--out") { Description = $"Configuration file to write (default {DefaultOut})", DefaultValueFactory = _ => DefaultOut };
        var root = new Option<string>("--root") { Description = "Root the device checks look under (default /)", DefaultValueFactory = _ => "/" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the broker and the feed", DefaultValueFactory = _ => 10 };
        var yes = new Option<bool>("--yes") { Description = "Do not ask: fail on anything missing" };

        var command = new Command("enroll", "Set up this kiosk: write /etc/kiosk/kiosk.json, then check broker, feed, data and devices")
        {
            site, kioskId, brokers, tls, protocol, caFile, username, passwordFile, clientCert, clientKey, feed, feedBroker, keyFile, fromBroker, fingerprint, siteSecret, output, root, timeout, yes,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var output_ = parse.InvocationConfiguration.Output;
            var ask = new Prompter(Console.In, output_, interactive: !parse.GetValue(yes) && !Console.IsInputRedirected);
            var values = new EnrollValues
            {
                Site = FleetCommandOptions.TopicName(ask.Value("site (Kiosk:Site)", parse.GetValue(site), "--site"), "--site", "a site name"),
                KioskId = FleetCommandOptions.TopicName(ask.Value("kiosk id (Kiosk:KioskId)", parse.GetValue(kioskId), "--kiosk-id"), "--kiosk-id", "a kiosk id"),
            };

            var brokerList = parse.GetValue(brokers) is { Length: > 0 } given ? given : [ask.Value("broker HOST[:PORT]", null, "--broker")];
            values.Tls = parse.GetValue(tls);
            values.Protocol = parse.GetValue(protocol);
            values.Brokers = brokerList.Select(b => ParseEndpoint(b, values.Tls, "--broker")).ToArray();
            values.CaFile = ExistingFile(parse.GetValue(caFile), "--ca-file");
            values.ClientCertFile = ExistingFile(parse.GetValue(clientCert), "--client-cert");
            values.ClientKeyFile = ExistingFile(parse.GetValue(clientKey), "--client-key");
            values.Username = parse.GetValue(username) ?? (values.ClientCertFile is null ? ask.Optional("broker user (empty: none)") : null);
            values.Password = parse.GetValue(passwordFile) is { } pw ? ReadSecretFile(pw, "--password-file")
                : Environment.GetEnvironmentVariable("KIOSK_ENROLL_PASSWORD") is { Length: > 0 } env ? env
                : values.Username is { Length: > 0 } ? ask.Secret("broker password") : null;
            values.Feed = ask.Value("color feed name (ColorFeed:Feed)", parse.GetValue(feed), "--feed");
            values.FeedBroker = parse.GetValue(feedBroker) is { } fb ? ParseEndpoint(fb, values.Tls, "--feed-broker") : null;
            var file = Path.GetFullPath(parse.GetValue(output)!);
            var wait = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(timeout), 0.5, 300));

            // The links as the kiosk will read them from the file, checked as the kiosk checks them (Fleet:Protocol,
            // ColorFeed:Hosts, ...): one line naming the key, before anything is read or written.
            var (_, feedLink) = EnrollChecks.Links(EnrollFile.Compose(file, values).Document);
            var keyPath = parse.GetValue(keyFile);
            if (keyPath is not null && parse.GetValue(fromBroker))
            {
                throw new KioskInputException("give --authority-key-file or --authority-from-broker, not both");
            }

            if (keyPath is null && !parse.GetValue(fromBroker))
            {
                keyPath = ask.Value("authority key file (PEM or base64; 'broker': read it from the feed broker)", null, "--authority-key-file (or --authority-from-broker)");
            }

            string source;
            if (keyPath is null || (string.Equals(keyPath, "broker", StringComparison.OrdinalIgnoreCase) && !File.Exists(keyPath)))
            {
                // The key is read before the file is written: the feed link's settings are those the file will hold.
                var read = await EnrollAuthority.ReadAsync(feedLink, values.Feed, wait, TimeProvider.System, cancellationToken);
                values.AuthorityKey = Convert.ToBase64String(read.SubjectPublicKeyInfo);
                source = "the broker's messages are not signed by the authority's key";
                output_.WriteLine($"authority key read from {read.Where}{read.After}: {string.Join(", ", read.Topics)} are all signed by it (one signature fits up to 4 keys; {read.Topics.Count.ToString(CultureInfo.InvariantCulture)} meet in this one)");
            }
            else
            {
                values.AuthorityKey = ReadAuthorityKey(keyPath);
                source = "the key file is not the authority's";
            }

            var print = Fingerprint(values.AuthorityKey);
            if (parse.GetValue(fingerprint) is { } expected)
            {
                if (!AuthorityKey.MatchesFingerprint(Convert.FromBase64String(values.AuthorityKey), expected))
                {
                    throw new KioskInputException($"the authority key's fingerprint is {print}, not {OneLine.Of(expected)}: {source}");
                }
            }
            else if (!ask.Confirm($"authority key fingerprint {print}: is this the one the authority published?"))
            {
                throw new KioskInputException($"the authority key (fingerprint {print}) was not confirmed: give --fingerprint, or check the key with the authority");
            }

            values.SiteSecret = parse.GetValue(siteSecret) is { } secretFile ? ReadSecretFile(secretFile, "--site-secret-file") : null;
            var generated = EnrollFile.Write(file, values);
            output_.WriteLine($"wrote {file} (mode 0640{EnrollFile.OwnerNote(file)})");
            if (generated)
            {
                output_.WriteLine("a new site secret was written: copy Kiosk:SiteSecret from this file to the site's other kiosks (codeRef counts repeat visits per site)");
            }

            var results = await EnrollChecks.RunAsync(values, file, parse.GetValue(root)!, wait, TimeProvider.System, cancellationToken);
            foreach (var result in results)
            {
                output_.WriteLine(result.Line());
            }

            var failed = results.Count(r => !r.Passed);
            output_.WriteLine(failed == 0 ? "enrolled: every check passed; start the kiosk with: sudo systemctl restart kiosk" : $"enrolled with {failed} failed check(s): fix them and run kiosk enroll again (the file is kept)");
            return failed == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>The key's SHA-256 fingerprint over its SubjectPublicKeyInfo, in colon-separated upper-case hex pairs (first 16 bytes): <see cref="AuthorityKey.Fingerprint"/>.</summary>
    public static string Fingerprint(string base64Spki) => AuthorityKey.Fingerprint(Convert.FromBase64String(base64Spki));

    internal static (string Host, int Port) ParseEndpoint(string text, bool tls, string option)
    {
        var value = text.Trim();
        var port = tls ? 8883 : 1883;
        var colon = value.LastIndexOf(':');
        if (colon > 0 && !value.EndsWith(']'))
        {
            if (!int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                throw new KioskInputException($"{option} '{OneLine.Of(text)}' must be HOST or HOST:PORT with a port between 1 and 65535");
            }

            value = value[..colon];
        }

        if (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '#' or '+'))
        {
            throw new KioskInputException($"{option} '{OneLine.Of(text)}' must be HOST or HOST:PORT");
        }

        return (value.Trim('[', ']'), port);
    }

    private static string? ExistingFile(string? path, string option) =>
        path is null ? null : File.Exists(path) ? Path.GetFullPath(path) : throw new KioskInputException($"{option} {path}: no such file");

    private static string ReadSecretFile(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new KioskInputException($"{option} {path}: no such file");
        }

        var info = new FileInfo(path);
        if (info.Length > 4096)
        {
            throw new KioskInputException($"{option} {path}: larger than 4 KiB, not a secret");
        }

        return File.ReadAllText(path).Trim();
    }

    /// <summary>The authority key from a file: a PEM public key, or base64 SubjectPublicKeyInfo DER; checked to be a P-256 key.</summary>
    internal static string ReadAuthorityKey(string path)
    {
        if (!File.Exists(path))
        {
            throw new KioskInputException($"--authority-key-file {path}: no such file");
        }

        if (new FileInfo(path).Length > 16384)
        {
            throw new KioskInputException($"--authority-key-file {path}: larger than 16 KiB, not a public key");
        }

        var text = File.ReadAllText(path).Trim();
        string base64;
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            try
            {
                using var key = ECDsa.Create();
                key.ImportFromPem(text);
                base64 = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                throw new KioskInputException($"--authority-key-file {path}: not an EC public key in PEM ({ex.Message})");
            }
        }
        else
        {
            base64 = text;
        }

        try
        {
            using var check = AuthorityKey.FromBase64Spki(base64);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or ArgumentException)
        {
            throw new KioskInputException($"--authority-key-file {path}: not the authority's public key ({OneLine.Of(ex.Message)})");
        }

        return base64;
    }

    /// <summary>Asks on a terminal; without one (or with <c>--yes</c>) a missing value is an error naming its option.</summary>
    private sealed class Prompter(TextReader input, TextWriter output, bool interactive)
    {
        public string Value(string what, string? given, string option)
        {
            if (!string.IsNullOrWhiteSpace(given))
            {
                return given.Trim();
            }

            if (!interactive)
            {
                throw new KioskInputException($"{option} is required ({what})");
            }

            for (var attempt = 0; attempt < 3; attempt++)
            {
                output.Write($"{what}: ");
                output.Flush();
                var line = input.ReadLine();
                if (line is null)
                {
                    break;
                }

                if (line.Trim().Length > 0)
                {
                    return line.Trim();
                }
            }

            throw new KioskInputException($"{option} is required ({what})");
        }

        public string? Optional(string what)
        {
            if (!interactive)
            {
                return null;
            }

            output.Write($"{what}: ");
            output.Flush();
            return input.ReadLine()?.Trim() is { Length: > 0 } line ? line : null;
        }

        public string? Secret(string what)
        {
            if (!interactive)
            {
                return null;
            }

            output.Write($"{what} (not shown): ");
            output.Flush();
            var text = new System.Text.StringBuilder();
            if (!Console.IsInputRedirected)
            {
                while (true)
                {
                    var key = Console.ReadKey(intercept: true);
                    if (key.Key == ConsoleKey.Enter)
                    {
                        break;
                    }

                    if (key.Key == ConsoleKey.Backspace)
                    {
                        text.Length = Math.Max(0, text.Length - 1);
                    }
                    else if (!char.IsControl(key.KeyChar))
                    {
                        text.Append(key.KeyChar);
                    }
                }

                output.WriteLine();
            }
            else
            {
                text.Append(input.ReadLine());
            }

            return text.Length > 0 ? text.ToString() : null;
        }

        public bool Confirm(string question)
        {
            if (!interactive)
            {
                return false;
            }

            output.Write($"{question} [y/N] ");
            output.Flush();
            return input.ReadLine()?.Trim().ToLowerInvariant() is "y" or "yes";
        }
    }
}

/// <summary>What <c>kiosk enroll</c> was told.</summary>
internal sealed class EnrollValues
{
    public string Site { get; set; } = string.Empty;

    public string KioskId { get; set; } = string.Empty;

    public IReadOnlyList<(string Host, int Port)> Brokers { get; set; } = [];

    public bool Tls { get; set; }

    /// <summary><c>--protocol</c>: written to <c>Fleet:Protocol</c> and <c>ColorFeed:Protocol</c>; null keeps the file's.</summary>
    public string? Protocol { get; set; }

    public string? CaFile { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? ClientCertFile { get; set; }

    public string? ClientKeyFile { get; set; }

    public string Feed { get; set; } = string.Empty;

    public (string Host, int Port)? FeedBroker { get; set; }

    public string AuthorityKey { get; set; } = string.Empty;

    public string? SiteSecret { get; set; }
}

/// <summary>Writes the enrolled values into the configuration file, keeping what else it holds.</summary>
internal static class EnrollFile
{
    /// <summary>Writes <paramref name="path"/> (0640); true when a new site secret was generated.</summary>
    public static bool Write(string path, EnrollValues values)
    {
        var (document, generated) = Compose(path, values);
        Save(path, document);
        return generated;
    }

    /// <summary>The document <see cref="Write"/> would write: the file's content (when there is one) with the enrolled values set.</summary>
    public static (JsonObject Document, bool GeneratedSecret) Compose(string path, EnrollValues values)
    {
        JsonObject document;
        if (File.Exists(path))
        {
            try
            {
                document = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                    ?? throw new KioskInputException($"{path} is not a JSON object: move it away or fix it first");
            }
            catch (JsonException ex)
            {
                throw new KioskInputException($"{path} is not valid JSON ({OneLine.Of(ex.Message)}): move it away or fix it first");
            }
        }
        else
        {
            document = [];
        }

        var kiosk = Section(document, "Kiosk");
        kiosk["Site"] = values.Site;
        kiosk["KioskId"] = values.KioskId;
        var generated = false;
        if (values.SiteSecret is { } secret)
        {
            kiosk["SiteSecret"] = secret;
        }
        else if (kiosk["SiteSecret"]?.GetValue<string>() is not { Length: > 0 })
        {
            kiosk["SiteSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            generated = true;
        }

        var fleet = Section(document, "Fleet");
        WriteLink(fleet, values.Brokers[0], values);
        // A cluster (mqtt.md: a list of brokers): Hosts beside Host, for the fleet link and, unless the feed has a broker
        // of its own, the feed link.
        JsonArray HostList() => new(values.Brokers.Select(b => (JsonNode)JsonValue.Create($"{b.Host}:{b.Port.ToString(CultureInfo.InvariantCulture)}")!).ToArray());
        if (values.Brokers.Count > 1)
        {
            fleet["Hosts"] = HostList();
        }

        var colorFeed = Section(document, "ColorFeed");
        colorFeed["Feed"] = values.Feed;
        colorFeed["AuthorityKey"] = values.AuthorityKey;
        WriteLink(colorFeed, values.FeedBroker ?? values.Brokers[0], values);
        if (values.FeedBroker is null && values.Brokers.Count > 1)
        {
            colorFeed["Hosts"] = HostList();
        }

        return (document, generated);
    }

    private static void Save(string path, JsonObject document)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            document.WriteTo(writer);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            SetOwner(temporary);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>What the owner of the written file is, for the line that says it was written.</summary>
    public static string OwnerNote(string path) =>
        Environment.IsPrivilegedProcess && GroupExists(EnrollCommand.ServiceGroup) ? $", owner root, group {EnrollCommand.ServiceGroup}"
        : Environment.IsPrivilegedProcess ? $", owner root; no group '{EnrollCommand.ServiceGroup}' yet: the package creates it, then run enroll again"
        : $", owned by you: not root, so not chowned to root:{EnrollCommand.ServiceGroup}";

    private static void SetOwner(string path)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return;
        }

        var group = GroupExists(EnrollCommand.ServiceGroup) ? $"root:{EnrollCommand.ServiceGroup}" : "root:root";
        using var chown = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("chown", [group, path]) { UseShellExecute = false })
            ?? throw new IOException("chown could not be started");
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new IOException($"chown {group} {path} failed ({chown.ExitCode.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    private static bool GroupExists(string name) =>
        File.Exists("/etc/group") && File.ReadLines("/etc/group").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal));

    private static void WriteLink(JsonObject section, (string Host, int Port) broker, EnrollValues values)
    {
        section["Host"] = broker.Host;
        section["Port"] = broker.Port;
        section["Tls"] = values.Tls;
        if (values.Protocol is { } protocol)
        {
            section["Protocol"] = protocol;
        }

        Set(section, "CaFile", values.CaFile);
        Set(section, "Username", values.Username);
        Set(section, "Password", values.Password);
        Set(section, "ClientCertFile", values.ClientCertFile);
        Set(section, "ClientKeyFile", values.ClientKeyFile);
    }

    private static void Set(JsonObject section, string key, string? value)
    {
        if (value is null)
        {
            section.Remove(key);
        }
        else
        {
            section[key] = value;
        }
    }

    private static JsonObject Section(JsonObject document, string name)
    {
        if (document[name] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        document[name] = created;
        return created;
    }
}
