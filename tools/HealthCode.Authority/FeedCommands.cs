using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using HealthCode.Formats;
using HealthCode.Formats.Feed;

namespace HealthCode.Authority;

/// <summary>
/// <c>hc-authority feed ...</c>: the authority's side of the color feed (color-feed.md). Builds signed snapshot,
/// batch, heartbeat and trust messages to files (records from a CSV, or N random ones for load tests), makes an
/// authority key, and publishes a message file to an MQTT broker.
/// </summary>
public static class FeedCommands
{
    public static Command Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var feed = new Command("feed", "Color-feed messages: authority key, snapshot, manifest, batch, heartbeat, trust, publish, clear");
        feed.Subcommands.Add(NewKey());
        feed.Subcommands.Add(Records("snapshot", "A signed snapshot: the whole state as of --seq", time));
        feed.Subcommands.Add(ProvinceCommands.Manifest(time));
        feed.Subcommands.Add(Records("batch", "A signed batch: the changes from --seq - 1 to --seq (a change over 1 MiB goes as batches --seq, --seq + 1, ...)", time));
        feed.Subcommands.Add(Heartbeat(time));
        feed.Subcommands.Add(Trust(time));
        feed.Subcommands.Add(Publish(time));
        feed.Subcommands.Add(ProvinceCommands.Clear(time));
        return feed;
    }

    private static Command NewKey()
    {
        var outFile = new Option<FileInfo>("--out") { Description = "Where to write the private key (PKCS#8 PEM)", Required = true };
        var command = new Command("new-key", "Makes a P-256 authority key; prints its public key (base64 SPKI) for ColorFeed:AuthorityKey") { outFile };
        command.SetAction(parse => Run(parse, () =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var path = parse.GetValue(outFile)!.FullName;
            WriteFile(path, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
            parse.InvocationConfiguration.Output.WriteLine(AuthorityKey.ToBase64Spki(key));
        }));
        return command;
    }

    private static Command Records(string type, string description, TimeProvider time)
    {
        var key = KeyOption();
        var feedName = new Option<string>("--feed") { Description = "Feed name, e.g. CN-HL", Required = true };
        var seq = new Option<ulong>("--seq") { Description = "The feed's change counter", Required = true };
        var at = AtOption();
        var csv = new Option<FileInfo?>("--records") { Description = "CSV of records: issuer,id (32 hex digits),color (0 green, 1 yellow, 2 red),ct (epoch s); a header line is allowed" };
        var random = new Option<int?>("--random") { Description = "Generate N random records instead (load tests)" };
        var seed = new Option<int>("--seed") { Description = "Seed for --random", DefaultValueFactory = _ => 1 };
        var issuers = new Option<string[]>("--issuer") { Description = "Issuer regions for --random (repeatable); default the feed name", AllowMultipleArgumentsPerToken = true };
        var docRecords = new Option<FileInfo?>("--doc-records") { Description = "Colors of people known by ID card (docRecords): CSV number,color,ct or a JSON array of {number, color, ct}; the numbers are hashed with --doc-key" };
        var docKey = CardCommands.DocKeyOption();
        var outFile = OutOption();
        var command = new Command(type, description) { key, feedName, seq, at, csv, random, seed, issuers, docRecords, docKey, outFile };
        command.SetAction(parse => Run(parse, () =>
        {
            var when = ParseAt(parse.GetValue(at), time);
            var name = parse.GetValue(feedName)!;
            var documents = (parse.GetValue(docRecords), parse.GetValue(docKey)) switch
            {
                ({ } file, { } keyFile) => CardCommands.ReadDocumentRecords(file, CardCommands.LoadDocKey(keyFile)),
                ({ }, null) => throw new FeedCommandException("--doc-records needs --doc-key FILE (the docKey that hashes card numbers)"),
                (null, { }) => throw new FeedCommandException("--doc-key is for --doc-records: give the card colors too"),
                _ => null,
            };
            ColorRecord[] records = (parse.GetValue(csv), parse.GetValue(random)) switch
            {
                ({ } file, null) => ReadCsv(file),
                (null, { } n) when n >= 0 => RandomRecords(n, parse.GetValue(seed), parse.GetValue(issuers) is { Length: > 0 } list ? list : [name], when),
                (null, { }) => throw new FeedCommandException("--random needs a count of 0 or more"),
                (null, null) when documents is not null => [],
                _ => throw new FeedCommandException("give exactly one of --records CSV or --random N (or only --doc-records)"),
            };
            var path = parse.GetValue(outFile)!.FullName;
            using var signer = LoadKey(parse.GetValue(key)!);
            if (type == "snapshot")
            {
                var bytes = Sign(signer, new SnapshotMessage(name, parse.GetValue(seq), when, records, documents));
                WriteFile(path, bytes);
                var documentCount = documents is null ? "" : $", {documents.Length} document records";
                parse.InvocationConfiguration.Output.WriteLine($"{type} {name} seq {parse.GetValue(seq)}: {records.Length} records{documentCount}, {bytes.Length} bytes -> {path}");
                return;
            }

            // color-feed.md: no message over 1 MiB; a larger change goes as consecutive batches, one file each.
            IReadOnlyList<BatchMessage> batches;
            try
            {
                batches = FeedBatches.Split(new BatchMessage(name, parse.GetValue(seq), when, records, documents));
            }
            catch (ArgumentException ex)
            {
                throw new FeedCommandException(ex.Message);
            }

            foreach (var batch in batches)
            {
                var bytes = Sign(signer, batch);
                var target = batches.Count == 1 ? path : SplitPath(path, batch.Seq);
                WriteFile(target, bytes);
                var documentCount = batch.DocRecords is null ? "" : $", {batch.DocRecords.Count} document records";
                parse.InvocationConfiguration.Output.WriteLine($"{type} {name} seq {batch.Seq}: {batch.Records.Count} records{documentCount}, {bytes.Length} bytes -> {target}");
            }
        }));
        return command;
    }

    private static Command Heartbeat(TimeProvider time)
    {
        var key = KeyOption();
        var feedName = new Option<string>("--feed") { Description = "Feed name, e.g. CN-HL", Required = true };
        var seq = new Option<ulong>("--seq") { Description = "The feed's current seq", Required = true };
        var at = AtOption();
        var outFile = OutOption();
        var command = new Command("heartbeat", "A signed heartbeat: nothing changed up to --seq as of --at") { key, feedName, seq, at, outFile };
        command.SetAction(parse => Run(parse, () =>
        {
            var message = new HeartbeatMessage(parse.GetValue(feedName)!, parse.GetValue(seq), ParseAt(parse.GetValue(at), time));
            var path = parse.GetValue(outFile)!.FullName;
            using var signer = LoadKey(parse.GetValue(key)!);
            WriteFile(path, Sign(signer, message));
            parse.InvocationConfiguration.Output.WriteLine($"heartbeat {message.Feed} seq {message.Seq} -> {path}");
        }));
        return command;
    }

    private static Command Trust(TimeProvider time)
    {
        var key = KeyOption();
        var trust = new Option<FileInfo>("--trust") { Description = "The trust list as JSON (health-code.md, \"Keys\"); its docKey, if any, goes into the message" };
        trust.Required = true;
        var docKey = CardCommands.DocKeyOption();
        docKey.Description = "Put this docKey into the message (instead of the trust list file's)";
        var at = AtOption();
        var outFile = OutOption();
        var command = new Command("trust", "A signed trust list message from a JSON trust list") { key, trust, docKey, at, outFile };
        command.SetAction(parse => Run(parse, () =>
        {
            TrustList list;
            try
            {
                list = TrustListFormat.FromJson(File.ReadAllText(parse.GetValue(trust)!.FullName));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                throw new FeedCommandException($"--trust: {ex.Message}");
            }

            var when = ParseAt(parse.GetValue(at), time);
            var path = parse.GetValue(outFile)!.FullName;
            var messageKey = parse.GetValue(docKey) is { } docKeyFile ? CardCommands.LoadDocKey(docKeyFile) : list.DocKey;
            using var signer = LoadKey(parse.GetValue(key)!);
            WriteFile(path, Sign(signer, new TrustMessage(when, new TrustList(list.Issuers, when, messageKey))));
            parse.InvocationConfiguration.Output.WriteLine($"trust: {list.Issuers.Count} issuer keys{(messageKey is null ? ", no docKey" : ", docKey")} -> {path}");
        }));
        return command;
    }

    private static Command Publish(TimeProvider time)
    {
        var files = new Argument<FileInfo[]>("FILE") { Description = "Signed feed messages, or manifest folders (manifest.cose and part-{i}.cbor), published in the order given", Arity = ArgumentArity.OneOrMore };
        var broker = new Option<string>("--broker") { Description = "host:port of the MQTT broker", DefaultValueFactory = _ => "localhost:1883" };
        var topic = new Option<string?>("--topic") { Description = "Topic; default {prefix} + the topic of the message's type (color-feed.md)" };
        var prefix = new Option<string>("--prefix") { Description = "Topic prefix", DefaultValueFactory = _ => "hc/v1/" };
        var retain = new Option<bool?>("--retain") { Description = "Retained flag; default as color-feed.md says for the message's type" };
        var state = ProvinceCommands.StateOption();
        var command = new Command("publish", "Publishes message files and manifest folders to an MQTT broker (QoS 1); a manifest's parts go first, then the manifest; "
            + "parts of manifests replaced 24 h ago or more are cleared (see --state)") { files, broker, topic, prefix, retain, state };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, async () =>
        {
            var paths = parse.GetValue(files)!.Select(f => f.FullName).ToArray();
            var topicPrefix = parse.GetValue(prefix)!;
            var explicitTopic = parse.GetValue(topic);
            if (explicitTopic is not null && paths.Any(Directory.Exists))
            {
                throw new FeedCommandException("--topic is for message files: a manifest folder goes to the topics of color-feed.md");
            }

            // Everything is read and checked before anything is sent: a bad file publishes nothing.
            var items = new List<(string Path, byte[]? Bytes, ManifestFolder? Folder)>();
            foreach (var path in paths)
            {
                if (Directory.Exists(path))
                {
                    var folder = ManifestFolder.Open(path);
                    folder.Verify();
                    items.Add((path, null, folder));
                    continue;
                }

                try
                {
                    items.Add((path, File.ReadAllBytes(path), null));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new FeedCommandException($"cannot read {path}: {ex.Message}");
                }
            }

            var statePath = parse.GetValue(state)?.FullName ?? PublishedState.DefaultPath;
            var output = parse.InvocationConfiguration.Output;
            await using var session = await BrokerSession.ConnectAsync(parse.GetValue(broker)!, cancellationToken);
            foreach (var (path, bytes, folder) in items)
            {
                if (folder is not null)
                {
                    await ProvinceCommands.PublishFolderAsync(session, folder, topicPrefix, statePath, time, output, cancellationToken);
                    continue;
                }

                var (type, feedName, seqValue) = Describe(bytes!);
                var (defaultTopic, defaultRetain) = type switch
                {
                    FeedMessageType.Snapshot => ("colors/snapshot", true),
                    FeedMessageType.Manifest => ("colors/snapshot", true),
                    FeedMessageType.Batch => ("colors/batch", false),
                    FeedMessageType.Heartbeat => ("colors/heartbeat", true),
                    FeedMessageType.Trust => ("trust", true),
                    _ => (null, false),
                };
                var target = explicitTopic ?? (defaultTopic is null
                    ? throw new FeedCommandException($"{path} is not a feed message ({type}); give --topic to publish it anyway")
                    : topicPrefix + defaultTopic);
                if (type == FeedMessageType.Manifest && explicitTopic is null)
                {
                    throw new FeedCommandException($"{path} is a manifest: publish its folder (manifest.cose with its part-{{i}}.cbor) so the parts go first");
                }

                var retained = parse.GetValue(retain) ?? defaultRetain;
                await session.PublishAsync(target, bytes!, retained, cancellationToken);
                output.WriteLine($"published {bytes!.Length} bytes to {target}{(retained ? " (retained)" : "")} on {session.Name}");
                // Only a state kept on purpose (given, or already there) is touched for a whole snapshot: it has no parts to clear.
                if (type == FeedMessageType.Snapshot && explicitTopic is null && feedName is not null
                    && (parse.GetValue(state) is not null || File.Exists(statePath)))
                {
                    // A whole snapshot replaces the manifest retained before it: that one's 24 h start now.
                    await ProvinceCommands.RecordAndClearAsync(session, topicPrefix, feedName, seqValue, 0, statePath, time, output, cancellationToken);
                }
            }
        }));
        return command;
    }

    internal static Option<FileInfo> KeyOption() => new("--key") { Description = "The authority private key (PKCS#8 PEM, P-256)", Required = true };

    internal static Option<string?> AtOption() => new("--at") { Description = "When the message was produced: ISO 8601 or epoch seconds; default now" };

    private static Option<FileInfo> OutOption() => new("--out") { Description = "Output file (COSE_Sign1 bytes)", Required = true };

    /// <summary>The file of a split batch: <c>NAME-{seq}.EXT</c> beside <paramref name="path"/>.</summary>
    internal static string SplitPath(string path, ulong seq) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}-{seq.ToString(CultureInfo.InvariantCulture)}{Path.GetExtension(path)}");

    internal static byte[] Sign(ECDsa key, FeedMessage message)
    {
        var kid = SHA256.HashData(key.ExportSubjectPublicKeyInfo())[..8];
        return FeedEncoder.Sign(message, key, kid);
    }

    /// <summary>The authority private key (P-256); the caller disposes it.</summary>
    internal static ECDsa LoadKey(FileInfo keyFile)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(keyFile.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FeedCommandException($"cannot read --key {keyFile.FullName}: {ex.Message}");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new FeedCommandException($"--key {keyFile.FullName} is not a PEM EC private key");
        }

        if (!PublicKeys.IsP256(key))
        {
            var weakness = PublicKeys.Weakness(key);
            key.Dispose();
            throw new FeedCommandException($"--key must be a P-256 key (ES256), not {weakness}");
        }

        return key;
    }

    /// <summary>The <c>t</c>, <c>feed</c> and <c>seq</c> of a signed message (not verified: the tool publishes what it is given).</summary>
    private static (string Type, string? Feed, ulong Seq) Describe(byte[] bytes)
    {
        try
        {
            var message = CoseSign1Message.DecodeSign1(bytes);
            if (message.Content is not { } content)
            {
                return ("detached payload", null, 0);
            }

            string? type = null;
            string? feed = null;
            ulong seq = 0;
            var reader = new System.Formats.Cbor.CborReader(content);
            reader.ReadStartMap();
            while (reader.PeekState() != System.Formats.Cbor.CborReaderState.EndMap)
            {
                var key = reader.PeekState() == System.Formats.Cbor.CborReaderState.TextString ? reader.ReadTextString() : null;
                if (key == null)
                {
                    reader.SkipValue();
                }
                else if (key == "t" && reader.PeekState() == System.Formats.Cbor.CborReaderState.TextString)
                {
                    type = reader.ReadTextString();
                    continue;
                }
                else if (key == "feed" && reader.PeekState() == System.Formats.Cbor.CborReaderState.TextString)
                {
                    feed = reader.ReadTextString();
                    continue;
                }
                else if (key == "seq" && reader.PeekState() == System.Formats.Cbor.CborReaderState.UnsignedInteger)
                {
                    seq = reader.ReadUInt64();
                    continue;
                }

                reader.SkipValue();
            }

            return (type ?? "no t", feed, seq);
        }
        catch (Exception ex) when (ex is CryptographicException or System.Formats.Cbor.CborContentException or InvalidOperationException)
        {
            return ("not COSE_Sign1", null, 0);
        }
    }

    internal static ColorRecord[] ReadCsv(FileInfo file)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FeedCommandException($"cannot read --records {file.FullName}: {ex.Message}");
        }

        var records = new List<ColorRecord>(lines.Length);
        var issuers = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line.StartsWith('#') || (n == 0 && line.StartsWith("issuer", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var cells = line.Split(',');
            if (cells.Length != 4)
            {
                throw new FeedCommandException($"{file.Name}:{n + 1}: expected issuer,id,color,ct");
            }

            var issuer = cells[0].Trim();
            byte[] id;
            try
            {
                id = Convert.FromHexString(cells[1].Trim());
            }
            catch (FormatException)
            {
                throw new FeedCommandException($"{file.Name}:{n + 1}: id is not hex");
            }

            if (issuer.Length == 0 || id.Length != CodeId.Length
                || !byte.TryParse(cells[2].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var color) || color > 2
                || !long.TryParse(cells[3].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ct))
            {
                throw new FeedCommandException($"{file.Name}:{n + 1}: need a non-empty issuer, a 16-byte hex id, a color 0..2 and an integer ct");
            }

            if (!issuers.TryGetValue(issuer, out var shared))
            {
                issuers[issuer] = shared = issuer;
            }

            records.Add(new ColorRecord(shared, CodeId.FromBytes(id), (HealthColor)color, ct));
        }

        return [.. records];
    }

    private static ColorRecord[] RandomRecords(int count, int seed, string[] issuers, DateTimeOffset at)
    {
        var random = new Random(seed);
        var records = new ColorRecord[count];
        var now = at.ToUnixTimeSeconds();
        Span<byte> id = stackalloc byte[CodeId.Length];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(id);
            var roll = random.Next(100);
            var color = roll < 90 ? HealthColor.Green : roll < 97 ? HealthColor.Yellow : HealthColor.Red;
            records[i] = new ColorRecord(issuers[i % issuers.Length], CodeId.FromBytes(id), color, now - random.Next(30 * 24 * 3600));
        }

        return records;
    }

    internal static DateTimeOffset ParseAt(string? text, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            var now = time.GetUtcNow();
            return DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var epoch))
        {
            return DateTimeOffset.FromUnixTimeSeconds(epoch);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return DateTimeOffset.FromUnixTimeSeconds(parsed.ToUnixTimeSeconds());
        }

        throw new FeedCommandException($"--at '{text}' is neither ISO 8601 nor epoch seconds");
    }

    internal static void WriteFile(string path, byte[] bytes)
    {
        try
        {
            var directory = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllBytes(path, bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FeedCommandException($"cannot write {path}: {ex.Message}");
        }
    }

    internal static int Run(ParseResult parse, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (FeedCommandException ex)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: {ex.Message.ReplaceLineEndings(" ")}");
            return 2;
        }
    }

    internal static async Task<int> RunAsync(ParseResult parse, Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (FeedCommandException ex)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: {ex.Message.ReplaceLineEndings(" ")}");
            return 2;
        }
    }

    internal sealed class FeedCommandException(string message) : Exception(message);
}
