using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using HealthCode.Formats.Feed;
using Kiosk.Colors;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Inputs;
using Kiosk.Service.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Kiosk.Service.Cli;

/// <summary><c>kiosk colors import FILE</c> and <c>kiosk colors status</c>: the color store from the command line.</summary>
internal static class ColorsCommand
{
    public static Command Create()
    {
        var colors = new Command("colors", "The local color data: import a signed feed message from a file, or show the store's state");
        colors.Subcommands.Add(CreateImport());
        colors.Subcommands.Add(CreateStatus());
        colors.Subcommands.Add(CreateFetch());
        return colors;
    }

    /// <summary>
    /// <c>kiosk colors fetch DIR</c>: a manifest folder taken the way the MQTT feed takes it (rules 9 and 10, not rule 2):
    /// the manifest through the processor, then each part the fetch asks for, verified and staged in <c>colors-parts</c>,
    /// the switch at the last one. Interrupted (a power cut, a kill), it resumes without reading verified parts again.
    /// Prints <c>part_read I</c> before handing part I over and <c>part_verified I</c> after it is kept, then the outcome.
    /// </summary>
    private static Command CreateFetch()
    {
        var folder = new Argument<DirectoryInfo>("DIR") { Description = "A manifest folder: manifest.cose and part-{i}.cbor" };
        var db = DbOption();
        var key = KeyOption();
        var feed = FeedOption();
        var fetch = new Command("fetch", "Fetches a manifest folder as the feed does (parts staged on disk, resumable); one line per part, then the outcome")
        {
            folder, db, key, feed,
        };
        fetch.SetAction((parse, cancellationToken) =>
        {
            var path = parse.GetValue(folder)!.FullName;
            var settings = Resolve(parse, parse.GetValue(db), parse.GetValue(key), parse.GetValue(feed));
            byte[] manifest;
            try
            {
                manifest = BoundedFile.ReadAllBytes(Path.Combine(path, "manifest.cose"), settings.MaxMessageBytes);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InputTooLargeException)
            {
                throw new KioskInputException($"cannot read {Path.Combine(path, "manifest.cose")}: {OneLine.Of(ex.Message)}", ex);
            }

            using var authority = settings.Key;
            using var store = OpenStore(settings, mustExist: false);
            var processor = new ColorFeedProcessor(store, authority, new InMemoryAlerts(), TimeProvider.System, settings.Policy);
            var output = parse.InvocationConfiguration.Output;

            // A fetch complete on disk before an interruption switches here; then the manifest as it arrives from the feed.
            processor.CheckHealth();
            var outcome = processor.Process(manifest);
            while (outcome.Kind != FeedOutcomeKind.Rejected && processor.PartsWanted(1) is { Parts: [var index] } wanted)
            {
                output.WriteLine($"part_read {index}");
                byte[] bytes;
                try
                {
                    bytes = BoundedFile.ReadAllBytes(Path.Combine(path, ManifestStaging.PartFileName(index)), HealthCode.Formats.Feed.FeedPart.MaxBytes);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InputTooLargeException)
                {
                    outcome = processor.AbandonFetch(wanted.Seq, $"part {index}: {OneLine.Of(ex.Message)}");
                    break;
                }

                outcome = processor.ProcessPart(wanted.Seq, index, bytes);
                if (outcome.Kind is FeedOutcomeKind.PartVerified or FeedOutcomeKind.ManifestApplied)
                {
                    output.WriteLine($"part_verified {index}");
                }
                else if (outcome.Kind != FeedOutcomeKind.PartIgnored)
                {
                    break;
                }
            }

            return Task.FromResult(Report(parse, outcome, "manifest refused"));
        });
        return fetch;
    }

    private static Command CreateImport()
    {
        var file = new Argument<FileInfo>("FILE|DIR") { Description = "A signed feed message (COSE_Sign1 bytes): snapshot, batch, heartbeat, trust or manifest; or a manifest folder (manifest.cose and part-{i}.cbor)" };
        var db = DbOption();
        var key = KeyOption();
        var feed = FeedOption();
        var import = new Command("import", "Applies one signed feed message from a file, or a manifest folder, through the same processor as the MQTT feed; prints one line")
        {
            file, db, key, feed,
        };
        import.SetAction((parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (Directory.Exists(path.FullName) && !File.Exists(Path.Combine(path.FullName, "manifest.cose")))
            {
                throw new KioskInputException($"{OneLine.Of(path.ToString())} is a directory without manifest.cose, neither a feed message file nor a manifest folder");
            }

            var settings = Resolve(parse, parse.GetValue(db), parse.GetValue(key), parse.GetValue(feed));
            if (Directory.Exists(path.FullName))
            {
                // A manifest folder (color-feed.md): applied whole or refused whole, nothing kept.
                using var folderAuthority = settings.Key;
                using var folderStore = OpenStore(settings, mustExist: false);
                var folderProcessor = new ColorFeedProcessor(folderStore, folderAuthority, new InMemoryAlerts(), TimeProvider.System, settings.Policy);
                return Task.FromResult(Report(parse, folderProcessor.ImportManifestFolder(path.FullName, settings.MaxMessageBytes), "folder refused"));
            }

            byte[] bytes;
            try
            {
                bytes = BoundedFile.ReadAllBytes(path.FullName, settings.MaxMessageBytes);
            }
            catch (InputTooLargeException ex)
            {
                throw new KioskInputException($"{ex.Message} ({ColorFeedOptions.Section}:{nameof(ColorFeedOptions.MaxPacketBytes)})", ex);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new KioskInputException($"cannot read {path.FullName}: {ex.Message}", ex);
            }

            using var authority = settings.Key;
            using var store = OpenStore(settings, mustExist: false);
            var processor = new ColorFeedProcessor(store, authority, new InMemoryAlerts(), TimeProvider.System, settings.Policy);
            if (FeedCodec.Decode(bytes, authority).Message is HealthCode.Formats.ManifestMessage)
            {
                // Alone, a manifest would only be kept waiting for parts that never come: its folder is the import.
                throw new KioskInputException($"{OneLine.Of(path.ToString())} is a manifest: import its folder (manifest.cose and part-{{i}}.cbor) with kiosk colors import DIR");
            }

            return Task.FromResult(Report(parse, processor.Process(bytes), "message rejected"));
        });
        return import;
    }

    /// <summary>One line: the outcome (exit 0), or why it was refused or could not be stored (exit 2).</summary>
    private static int Report(ParseResult parse, FeedOutcome outcome, string refused)
    {
        switch (outcome.Kind)
        {
            case FeedOutcomeKind.Rejected:
                throw new KioskInputException($"{refused}: {outcome.Detail}");
            case FeedOutcomeKind.StoreFailed:
                parse.InvocationConfiguration.Error.WriteLine($"error: {OneLine.Of(outcome.Detail)}");
                return 2;
            default:
                parse.InvocationConfiguration.Output.WriteLine($"{Snake(outcome.Kind)}: {outcome.Detail}");
                return 0;
        }
    }

    private static Command CreateStatus()
    {
        var db = DbOption();
        var key = KeyOption();
        var feed = FeedOption();
        var json = new Option<bool>("--json") { Description = "One JSON object instead of lines" };
        var status = new Command("status", "Shows feed, seq, record and document record counts, in-sync-as-of, freshness, out-of-sync, clock fault and a manifest fetch in progress")
        {
            db, key, feed, json,
        };
        status.SetAction((parse, cancellationToken) =>
        {
            var settings = Resolve(parse, parse.GetValue(db), parse.GetValue(key), parse.GetValue(feed));
            using var authority = settings.Key;
            using var store = OpenStore(settings, mustExist: true);
            var processor = new ColorFeedProcessor(store, authority, new InMemoryAlerts(), TimeProvider.System, settings.Policy);
            var now = TimeProvider.System.GetUtcNow();
            var state = store.State;
            var freshness = state.FreshnessAt(now);
            var report = new StatusReport(
                state.Feed,
                state.Seq,
                state.RecordCount,
                state.DocumentRecordCount,
                Iso(state.InSyncAsOf),
                freshness is { } f ? (long)f.TotalSeconds : null,
                !ColorDataFreshness.IsStale(freshness, settings.Policy.MaxColorDataAge),
                state.OutOfSync,
                store.PendingCount,
                Iso(state.LatestSignedAt),
                processor.ClockFault,
                store.SignedTrust is { } t ? $"signed {Iso(t.SignedAt)}, {t.Issuers.Count} issuer keys{(t.HasDocKey ? ", docKey" : ", no docKey")}" : "none signed",
                FetchOf(settings, store.FeedState, now));
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(report, StatusJson.Options));
            }
            else
            {
                output.WriteLine($"feed: {report.Feed}");
                output.WriteLine($"seq: {report.Seq?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
                output.WriteLine($"records: {report.Records}");
                output.WriteLine($"document_records: {report.DocumentRecords}");
                output.WriteLine($"in_sync_as_of: {report.InSyncAsOf ?? "never"}");
                output.WriteLine($"freshness: {(freshness is { } a ? Duration(a) : "never in sync")}{(report.Fresh ? "" : " (stale)")}");
                output.WriteLine($"out_of_sync: {Bool(report.OutOfSync)}");
                output.WriteLine($"pending_batches: {report.PendingBatches}");
                output.WriteLine($"latest_signed_at: {report.LatestSignedAt ?? "none"}");
                output.WriteLine($"clock_fault: {Bool(report.ClockFault)}");
                output.WriteLine($"trust_list: {report.TrustList}");
                output.WriteLine(report.Fetch is { } f2
                    ? $"fetch: manifest seq {f2.Seq}, {f2.PartsVerified} of {f2.PartsTotal} parts verified{(f2.Active ? "" : " (waiting: fetched if still out of sync after ColorFeed:SnapshotAfter)")}"
                    : "fetch: none");
            }

            return Task.FromResult(0);
        });
        return status;
    }

    private static Option<string?> DbOption() => new("--db") { Description = "The color store (SQLite file); default ColorFeed:DatabasePath under Kiosk:DataDirectory" };

    private static Option<string?> KeyOption() => new("--authority-key") { Description = "The authority public key, base64 SubjectPublicKeyInfo; default ColorFeed:AuthorityKey" };

    private static Option<string?> FeedOption() => new("--feed") { Description = "The feed name (e.g. CN-HL); default ColorFeed:Feed" };

    /// <summary>
    /// The <c>ColorFeed</c> and <c>Checkpoint</c> settings from the service's configuration (appsettings.json,
    /// /etc/kiosk/kiosk.json, <c>--config</c>, <c>KIOSK_</c> variables) with the service's validation; the options
    /// <c>--db</c>, <c>--authority-key</c> and <c>--feed</c> override their keys.
    /// </summary>
    private static Settings Resolve(ParseResult parse, string? db, string? key, string? feed)
    {
        var overrides = new Dictionary<string, string?>();
        if (!string.IsNullOrWhiteSpace(db))
        {
            overrides[$"{ColorFeedOptions.Section}:{nameof(ColorFeedOptions.DatabasePath)}"] = Path.GetFullPath(db);
        }

        if (!string.IsNullOrWhiteSpace(key))
        {
            try
            {
                using var given = AuthorityKey.FromBase64Spki(key);
            }
            catch (FormatException ex)
            {
                throw new KioskInputException($"--authority-key: {ex.Message}", ex);
            }

            overrides[$"{ColorFeedOptions.Section}:{nameof(ColorFeedOptions.AuthorityKey)}"] = key;
        }

        if (!string.IsNullOrWhiteSpace(feed))
        {
            overrides[$"{ColorFeedOptions.Section}:{nameof(ColorFeedOptions.Feed)}"] = feed;
        }

        var configuration = KioskCli.Configuration(parse, overrides);
        using var provider = new ServiceCollection().AddKiosk(configuration, new KioskParts()).BuildServiceProvider();
        var options = KioskServices.Resolve<ColorFeedOptions>(provider);
        var checkpoint = KioskServices.Resolve<CheckpointOptions>(provider);
        return new Settings(
            options.DatabasePath,
            AuthorityKey.FromBase64Spki(options.AuthorityKey),
            options.Feed,
            ColorFeedServiceCollectionExtensions.FeedPolicy(checkpoint) with { SnapshotAfter = options.SnapshotAfter },
            options.MaxPendingBatches,
            options.MaxPacketBytes);
    }

    private static ColorStore OpenStore(Settings settings, bool mustExist)
    {
        if (mustExist && !File.Exists(settings.Db))
        {
            throw new KioskInputException($"no color store at {settings.Db}");
        }

        try
        {
            return ColorStore.Open(new ColorStoreSettings
            {
                DatabasePath = settings.Db,
                Feed = settings.Feed,
                AuthorityKey = settings.Key,
                ResetOnFeedChange = false,
                MaxPendingBatches = settings.MaxPending,
            });
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new KioskInputException($"cannot open color store {settings.Db}: {ex.Message}", ex);
        }
    }

    /// <summary>The kept manifest and its parts on disk, read only (a service may be fetching); active when the kiosk never
    /// synced or has been out of sync for ColorFeed:SnapshotAfter, or a resync waits.</summary>
    private static FetchReport? FetchOf(Settings settings, ColorFeedState state, DateTimeOffset now)
    {
        var staging = ManifestStaging.ForDatabase(settings.Db);
        var active = state.Seq is null || staging.ResyncRequested
            || (state.OutOfSyncSince is { } since && now - since >= settings.Policy.SnapshotAfter);
        return staging.ReadProgress(settings.Key, settings.Feed, active) is { } p
            ? new FetchReport(p.Seq, p.PartsVerified, p.PartsTotal, p.Active)
            : null;
    }

    private static string Snake(FeedOutcomeKind kind) =>
        string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string? Iso(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Duration(TimeSpan span) =>
        span < TimeSpan.Zero ? $"-{Duration(-span)}" : span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h {span.Minutes}m" : $"{span.Hours}h {span.Minutes}m {span.Seconds}s";

    private sealed record Settings(string Db, ECDsa Key, string Feed, ColorFeedPolicy Policy, int MaxPending, int MaxMessageBytes);

    private sealed record StatusReport(
        string Feed,
        ulong? Seq,
        long Records,
        long DocumentRecords,
        string? InSyncAsOf,
        long? FreshnessSeconds,
        bool Fresh,
        bool OutOfSync,
        int PendingBatches,
        string? LatestSignedAt,
        bool ClockFault,
        string TrustList,
        FetchReport? Fetch);

    private sealed record FetchReport(ulong Seq, int PartsVerified, int PartsTotal, bool Active);

    private static class StatusJson
    {
        public static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    }
}
