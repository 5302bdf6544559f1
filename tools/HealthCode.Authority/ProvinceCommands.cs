using System.Buffers.Binary;
using System.CommandLine;
using System.Globalization;
using HealthCode.Formats;
using HealthCode.Formats.Feed;

namespace HealthCode.Authority;

/// <summary>
/// A province's snapshot as a signed manifest and its parts (color-feed.md, "A province"): <c>feed manifest</c> writes a
/// manifest folder from CSV files or from generated records (load tests, streamed in bounded memory); <c>feed publish</c>
/// sends a folder (<see cref="PublishFolderAsync"/>); <c>feed clear</c> clears the parts of manifests replaced 24 h ago.
/// </summary>
internal static class ProvinceCommands
{
    public static Option<FileInfo?> StateOption() => new("--state")
    {
        Description = "What was published on the snapshot topic (JSON), to clear the parts of replaced manifests 24 h later; default hc-authority-state.json in the current folder. Give the same file to every publish and clear of one broker",
    };

    public static Command Manifest(TimeProvider time)
    {
        var key = FeedCommands.KeyOption();
        var feedName = new Option<string>("--feed") { Description = "Feed name, e.g. CN-HL", Required = true };
        var seq = new Option<ulong>("--seq") { Description = "The feed's change counter: the manifest is the whole state as of it", Required = true };
        var at = FeedCommands.AtOption();
        var csv = new Option<FileInfo?>("--records") { Description = "CSV of records: issuer,id (32 hex digits),color (0 green, 1 yellow, 2 red),ct (epoch s); a header line is allowed" };
        var docRecords = new Option<FileInfo?>("--doc-records") { Description = "Colors of people known by ID card: CSV number,color,ct or a JSON array of {number, color, ct}; the numbers are hashed with --doc-key" };
        var docKey = CardCommands.DocKeyOption();
        var random = new Option<long?>("--random") { Description = "Generate N code records instead (load tests; streamed, keys generated in order)" };
        var randomDoc = new Option<long?>("--random-doc") { Description = "Generate M document records (load tests; streamed)" };
        var seed = new Option<int>("--seed") { Description = "Seed for --random and --random-doc", DefaultValueFactory = _ => 1 };
        var issuers = new Option<string[]>("--issuer") { Description = "Issuer regions for --random (repeatable); default the feed name", AllowMultipleArgumentsPerToken = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "The manifest folder to write: manifest.cose and part-{i}.cbor (new or without manifest files)", Required = true };
        var command = new Command("manifest", "A province's snapshot as a signed manifest and its parts of at most 1 MiB, written to a folder")
        {
            key, feedName, seq, at, csv, docRecords, docKey, random, randomDoc, seed, issuers, outDir,
        };
        command.SetAction(parse => FeedCommands.Run(parse, () =>
        {
            var folder = parse.GetValue(outDir)!.FullName;
            var name = parse.GetValue(feedName)!;
            var when = FeedCommands.ParseAt(parse.GetValue(at), time);
            var (n, m) = (parse.GetValue(random), parse.GetValue(randomDoc));
            var files = parse.GetValue(csv) is not null || parse.GetValue(docRecords) is not null;
            if (files && (n is not null || m is not null))
            {
                throw new AuthorityInputException("give --records/--doc-records files or --random/--random-doc counts, not both");
            }

            if (n < 0 || m < 0)
            {
                throw new AuthorityInputException("--random and --random-doc need a count of 0 or more");
            }

            if (!files && n is null && m is null)
            {
                throw new AuthorityInputException("give --records CSV and/or --doc-records FILE, or --random N and/or --random-doc M");
            }

            if (ManifestFolder.HoldsManifestFiles(folder))
            {
                throw new AuthorityInputException($"{folder} already holds a manifest or parts: give a new folder");
            }

            using var signer = FeedCommands.LoadKey(parse.GetValue(key)!);
            ManifestWriter writer;
            try
            {
                writer = new ManifestWriter(name, parse.GetValue(seq));
            }
            catch (ArgumentException ex)
            {
                throw new AuthorityInputException(ex.Message, ex);
            }

            Directory.CreateDirectory(folder);
            long bytes = 0;
            writer.PartWritten = (index, part) =>
            {
                FeedCommands.WriteFile(ManifestFolder.PartPath(folder, index), part);
                bytes += part.Length;
            };
            try
            {
                if (files)
                {
                    var documents = (parse.GetValue(docRecords), parse.GetValue(docKey)) switch
                    {
                        ({ } file, { } keyFile) => CardCommands.ReadDocumentRecords(file, CardCommands.LoadDocKey(keyFile)),
                        ({ }, null) => throw new AuthorityInputException("--doc-records needs --doc-key FILE (the docKey that hashes card numbers)"),
                        (null, { }) => throw new AuthorityInputException("--doc-key is for --doc-records: give the card colors too"),
                        _ => [],
                    };
                    var records = parse.GetValue(csv) is { } csvFile ? FeedCommands.ReadCsv(csvFile) : [];
                    AddSorted(writer, records, documents);
                }
                else
                {
                    var regions = parse.GetValue(issuers) is { Length: > 0 } list ? list : [name];
                    var province = new RandomProvince(parse.GetValue(seed), when.ToUnixTimeSeconds());
                    province.AddRecords(writer, n ?? 0, regions);
                    province.AddDocRecords(writer, m ?? 0);
                }
            }
            catch (ArgumentException ex)
            {
                throw new AuthorityInputException(ex.Message, ex);
            }

            var manifest = writer.Finish(when);
            var signed = FeedCommands.Sign(signer, manifest);
            FeedCommands.WriteFile(Path.Combine(folder, ManifestFolder.ManifestFile), signed);
            parse.InvocationConfiguration.Output.WriteLine(
                $"manifest {name} seq {manifest.Seq}: {manifest.RecordCount} records, {manifest.DocRecordCount} document records, "
                + $"{manifest.PartHashes.Count} parts ({bytes} bytes), manifest {signed.Length} bytes -> {folder}");
        }));
        return command;
    }

    public static Command Clear(TimeProvider time)
    {
        var broker = new Option<string>("--broker") { Description = "host:port of the MQTT broker", DefaultValueFactory = _ => "localhost:1883" };
        var prefix = new Option<string>("--prefix") { Description = "Topic prefix", DefaultValueFactory = _ => "hc/v1/" };
        var state = StateOption();
        var command = new Command("clear", "Clears (empty retained messages) the parts of manifests replaced on the snapshot topic 24 h ago or more, as recorded in --state") { broker, prefix, state };
        command.SetAction((parse, cancellationToken) => FeedCommands.RunAsync(parse, async () =>
        {
            var statePath = parse.GetValue(state)?.FullName ?? PublishedState.DefaultPath;
            var published = PublishedState.Load(statePath);
            var (host, port) = BrokerSession.ParseBroker(parse.GetValue(broker)!);
            var name = $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";
            var topicPrefix = parse.GetValue(prefix)!;
            var now = time.GetUtcNow();
            var output = parse.InvocationConfiguration.Output;
            if (published.Due(name, topicPrefix, now).Count == 0)
            {
                Waiting(published, name, topicPrefix, now, output);
                return;
            }

            await using var session = await BrokerSession.ConnectAsync(parse.GetValue(broker)!, cancellationToken);
            await ClearDueAsync(session, published, topicPrefix, now, output, cancellationToken);
        }));
        return command;
    }

    /// <summary>Publishes a verified folder: every part retained on <c>{prefix}colors/snapshot/{seq}/{i}</c>, then the manifest
    /// retained on <c>{prefix}colors/snapshot</c> (QoS 1, each acknowledged); then records it and clears what is due.</summary>
    public static async Task PublishFolderAsync(BrokerSession session, ManifestFolder folder, string prefix, string statePath, TimeProvider time, TextWriter output, CancellationToken cancellationToken)
    {
        var manifest = folder.Manifest;
        var manifestHash = Convert.ToHexStringLower(FeedPart.Hash(folder.ManifestBytes));
        if (PublishedState.Load(statePath).OtherManifestWithSeq(session.Name, prefix, manifest.Seq, manifestHash) is { } other)
        {
            throw new AuthorityInputException($"{folder.Path}: another manifest with seq {manifest.Seq} was published on {session.Name} at {other.PublishedAt:u}; a seq names one manifest");
        }

        long bytes = 0;
        for (var i = 0; i < manifest.PartHashes.Count; i++)
        {
            var part = folder.ReadPart(i);
            await session.PublishAsync(PartTopic(prefix, manifest.Seq, i), part, retain: true, cancellationToken);
            bytes += part.Length;
        }

        await session.PublishAsync(prefix + "colors/snapshot", folder.ManifestBytes, retain: true, cancellationToken);
        output.WriteLine($"published {manifest.PartHashes.Count} parts ({bytes} bytes) to {prefix}colors/snapshot/{manifest.Seq}/{{i}} and the manifest seq {manifest.Seq} "
            + $"to {prefix}colors/snapshot (retained) on {session.Name}");
        await RecordAndClearAsync(session, prefix, manifest.Feed, manifest.Seq, manifest.PartHashes.Count, statePath, time, output, cancellationToken, manifestHash);
    }

    /// <summary>Records that the snapshot topic now holds <paramref name="seq"/> (what it replaced starts its 24 h) and clears what is due.</summary>
    public static async Task RecordAndClearAsync(BrokerSession session, string prefix, string feed, ulong seq, int parts, string statePath, TimeProvider time, TextWriter output, CancellationToken cancellationToken, string? manifestHash = null)
    {
        var published = PublishedState.Load(statePath);
        var now = time.GetUtcNow();
        published.Published(session.Name, prefix, feed, seq, parts, now, manifestHash);
        published.Save();
        await ClearDueAsync(session, published, prefix, now, output, cancellationToken);
    }

    public static string PartTopic(string prefix, ulong seq, int index) =>
        $"{prefix}colors/snapshot/{seq.ToString(CultureInfo.InvariantCulture)}/{index.ToString(CultureInfo.InvariantCulture)}";

    private static async Task ClearDueAsync(BrokerSession session, PublishedState published, string prefix, DateTimeOffset now, TextWriter output, CancellationToken cancellationToken)
    {
        foreach (var entry in published.Due(session.Name, prefix, now))
        {
            for (var i = 0; i < entry.Parts; i++)
            {
                await session.PublishAsync(PartTopic(prefix, entry.Seq, i), [], retain: true, cancellationToken);
            }

            // Saved after each manifest: an interrupted clear resumes with what is left (clearing twice is harmless).
            published.Remove(entry);
            published.Save();
            output.WriteLine($"cleared {entry.Parts} parts of manifest seq {entry.Seq} (replaced {entry.SupersededAt:u}) on {session.Name}");
        }

        Waiting(published, session.Name, prefix, now, output);
    }

    private static void Waiting(PublishedState published, string broker, string prefix, DateTimeOffset now, TextWriter output)
    {
        foreach (var entry in published.Waiting(broker, prefix, now))
        {
            output.WriteLine($"manifest seq {entry.Seq}: {entry.Parts} parts stay retained until {entry.SupersededAt!.Value + PublishedState.KeepSuperseded:u}");
        }
    }

    /// <summary>Sorts into the manifest's order and merges repeats as a snapshot does (larger ct wins; on equal ct the more severe color).</summary>
    private static void AddSorted(ManifestWriter writer, ColorRecord[] records, DocumentRecord[] documents)
    {
        Array.Sort(records, static (a, b) => FeedKeyOrder.Compare(a, b));
        for (var i = 0; i < records.Length; i++)
        {
            var best = records[i];
            while (i + 1 < records.Length && FeedKeyOrder.Compare(best, records[i + 1]) == 0)
            {
                var next = records[++i];
                if (Wins(next.ColorTime, next.Color, best.ColorTime, best.Color))
                {
                    best = next;
                }
            }

            writer.AddRecord(best);
        }

        Array.Sort(documents, static (a, b) => FeedKeyOrder.Compare(a, b));
        for (var i = 0; i < documents.Length; i++)
        {
            var best = documents[i];
            while (i + 1 < documents.Length && FeedKeyOrder.Compare(best, documents[i + 1]) == 0)
            {
                var next = documents[++i];
                if (Wins(next.ColorTime, next.Color, best.ColorTime, best.Color))
                {
                    best = next;
                }
            }

            writer.AddDocRecord(best);
        }
    }

    private static bool Wins(long ct, HealthColor color, long currentCt, HealthColor currentColor) =>
        ct > currentCt || (ct == currentCt && color > currentColor);

    /// <summary>
    /// Generated records for load tests, produced already in the manifest's order so nothing is sorted or held: the
    /// 128-bit key space is cut into N equal slots and each key is a seeded random point inside its slot.
    /// </summary>
    internal sealed class RandomProvince(int seed, long now)
    {
        private readonly Random _records = new(seed);
        private readonly Random _docs = new(unchecked((seed * 397) ^ 0x5EED));

        public void AddRecords(ManifestWriter writer, long count, string[] issuers)
        {
            foreach (var (key, color, ct) in Keys(_records, count))
            {
                writer.AddRecord(new ColorRecord(issuers[_records.Next(issuers.Length)], new CodeId((ulong)(key >> 64), (ulong)key), color, ct));
            }
        }

        public void AddDocRecords(ManifestWriter writer, long count)
        {
            foreach (var (key, color, ct) in Keys(_docs, count))
            {
                writer.AddDocRecord(new DocumentRecord(new Formats.Identity.DocRef((ulong)(key >> 64), (ulong)key), color, ct));
            }
        }

        private IEnumerable<(UInt128 Key, HealthColor Color, long ColorTime)> Keys(Random random, long count)
        {
            if (count <= 0)
            {
                yield break;
            }

            var width = UInt128.MaxValue / (UInt128)(ulong)count;
            var bytes = new byte[16];
            UInt128 start = 0;
            for (long i = 0; i < count; i++, start += width)
            {
                random.NextBytes(bytes);
                var offset = BinaryPrimitives.ReadUInt128BigEndian(bytes) % width;
                var roll = random.Next(100);
                var color = roll < 90 ? HealthColor.Green : roll < 97 ? HealthColor.Yellow : HealthColor.Red;
                yield return (start + offset, color, now - random.Next(30 * 24 * 3600));
            }
        }
    }
}
