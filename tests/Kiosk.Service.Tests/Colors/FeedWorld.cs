using System.Security.Cryptography;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using HealthCode.Formats.Identity;
using Kiosk.Colors;
using Kiosk.Core.Checkpoint;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Colors;

/// <summary>An authority key, a temp SQLite file, a store, a processor and a fake clock.</summary>
internal sealed class FeedWorld : IDisposable
{
    public static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-01T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly ITrustListSource? _provisioning;

    public FeedWorld(string feed = "CN-HL", ITrustListSource? provisioning = null, ECDsa? authority = null)
    {
        Feed = feed;
        _provisioning = provisioning;
        Authority = authority ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        PublicKey = AuthorityKey.FromSpki(Authority.ExportSubjectPublicKeyInfo());
        Directory = Path.Combine(Path.GetTempPath(), "kiosk-colors-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DatabasePath = Path.Combine(Directory, "colors.db");
        Time = new FakeTimeProvider(T0);
        Reopen();
    }

    public string Feed { get; }

    public ECDsa Authority { get; }

    public ECDsa PublicKey { get; }

    public string Directory { get; }

    public string DatabasePath { get; }

    public FakeTimeProvider Time { get; }

    public InMemoryAlerts Alerts { get; private set; } = new();

    public ColorStore Store { get; private set; } = null!;

    public ColorFeedProcessor Processor { get; private set; } = null!;

    /// <summary>Closes and reopens the store from its file (a restart).</summary>
    public void Reopen()
    {
        Store?.Dispose();
        Store = ColorStore.Open(new ColorStoreSettings
        {
            DatabasePath = DatabasePath,
            Feed = Feed,
            AuthorityKey = PublicKey,
            Provisioning = _provisioning,
        });
        Alerts = new InMemoryAlerts();
        Processor = new ColorFeedProcessor(Store, PublicKey, Alerts, Time);
    }

    public byte[] Sign(FeedMessage message) => FeedEncoder.Sign(message, Authority);

    public FeedOutcome Apply(FeedMessage message) => Processor.Process(Sign(message));

    public SnapshotMessage Snapshot(ulong seq, DateTimeOffset at, params ColorRecord[] records) => new(Feed, seq, at, records);

    public BatchMessage Batch(ulong seq, DateTimeOffset at, params ColorRecord[] records) => new(Feed, seq, at, records);

    public HeartbeatMessage Heartbeat(ulong seq, DateTimeOffset at) => new(Feed, seq, at);

    public static ColorRecord Record(int n, HealthColor color, long ct, string issuer = "CN-HL") =>
        new(issuer, new CodeId((ulong)n * 0x9E3779B97F4A7C15UL, (ulong)n), color, ct);

    public (HealthColor Color, long Ct)? Lookup(ColorRecord record) =>
        Store.TryLookup(record.Issuer, record.Id, out var color, out var ct) ? (color, ct) : null;

    /// <summary>A document record for card <paramref name="n"/> (a docRef made of n, as records' ids are).</summary>
    public static DocumentRecord Document(int n, HealthColor color, long ct) =>
        new(new DocRef((ulong)n * 0xC2B2AE3D27D4EB4FUL, (ulong)n), color, ct);

    public (HealthColor Color, long Ct)? Lookup(DocumentRecord record) =>
        Store.TryLookupDocument(record.DocRef, out var color, out var ct) ? (color, ct) : null;

    /// <summary>Everything a message could change, for "state never touched" checks.</summary>
    public string Fingerprint()
    {
        var records = string.Join(";", Store.ReadAllFromDisk().OrderBy(r => r.Issuer, StringComparer.Ordinal).ThenBy(r => r.Id.High).ThenBy(r => r.Id.Low)
            .Select(r => $"{r.Issuer}/{r.Id.High:x}/{r.Id.Low:x}/{(int)r.Color}/{r.ColorTime}"));
        var documents = string.Join(";", Store.ReadAllDocumentsFromDisk().OrderBy(r => r.DocRef.High).ThenBy(r => r.DocRef.Low)
            .Select(r => $"{r.DocRef.High:x}/{r.DocRef.Low:x}/{(int)r.Color}/{r.ColorTime}"));
        return $"{Store.FeedState}|{Store.RecordCount}|{Store.DocumentRecordCount}|{Store.PendingCount}|{Store.SignedTrust?.SignedAt}|{records}|{documents}";
    }

    /// <summary>Starts <c>kiosk colors import FILE</c> on this store as a child process (output and error redirected).</summary>
    public System.Diagnostics.Process StartImport(string file, string key)
    {
        var kiosk = Path.Combine(AppContext.BaseDirectory, "kiosk.dll");
        Xunit.Assert.True(File.Exists(kiosk), $"kiosk.dll not found beside the tests ({kiosk})");
        var start = new System.Diagnostics.ProcessStartInfo(CrashConsistencyTests.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { kiosk, "colors", "import", file, "--db", DatabasePath, "--authority-key", key, "--feed", Feed })
        {
            start.ArgumentList.Add(arg);
        }

        return System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("could not start the kiosk");
    }

    public void Dispose()
    {
        Store?.Dispose();
        PublicKey.Dispose();
        Authority.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
