using System.Diagnostics;
using System.Globalization;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using HealthCode.Formats.Identity;
using Kiosk.Colors;
using Xunit.Abstractions;

namespace Kiosk.Service.Tests.Colors;

/// <summary>
/// color-feed.md rules 7 and 10 under SIGKILL: <c>kiosk colors fetch DIR</c> (the feed's fetch path: the manifest through
/// rule 9, parts verified and staged in <c>colors-parts</c>, the switch at the last one) killed at random points of the
/// fetch and the apply, at least 30 times. Each restart finds the old state or the new one, never a mix, and the fetch
/// resumes without reading a verified part again.
/// </summary>
public sealed class ManifestFetchKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 30;
    private const int Records = 1200;
    private const int Documents = 1200;
    private const int MaxPartBytes = 4096;

    private static readonly DateTimeOffset Base = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600);

    private readonly FeedWorld _w = new();

    public void Dispose() => _w.Dispose();

    [Fact]
    public void KillingTheKioskDuringAManifestFetchAndApplyLeavesTheOldOrTheNewStateAndTheFetchResumes()
    {
        _w.Store.Dispose();
        var random = new Random(20261207);
        var key = AuthorityKey.ToBase64Spki(_w.Authority);

        // Seq 1 fetched to completion; it calibrates the kill delays.
        var stopwatch = Stopwatch.StartNew();
        var first = Run(Folder(1), key, kill: null);
        Assert.True(first.ExitCode == 0, first.Output);
        var full = stopwatch.Elapsed;
        var current = Verify(1, 1);

        int kills = 0, killedMidFetch = 0, killedAfterSwitch = 0, runs = 1;
        while (kills < Kills && runs < Kills * 6)
        {
            var next = current + 1;
            var folder = Folder(next);
            var parts = Directory.GetFiles(folder, "part-*.cbor").Length;
            var reads = new int[parts];
            var verified = new int[parts];
            var killsThisSeq = 0;
            while (true)
            {
                runs++;
                var delay = TimeSpan.FromMilliseconds(random.NextDouble() * full.TotalMilliseconds);
                var run = Run(folder, key, delay);
                Count(run.Output, reads, verified);
                var seen = Verify(current, next);
                if (run.Killed)
                {
                    kills++;
                    killsThisSeq++;
                    if (seen == next)
                    {
                        killedAfterSwitch++;
                    }
                    else
                    {
                        killedMidFetch++;
                    }
                }
                else
                {
                    Assert.True(run.ExitCode == 0, run.Output);
                }

                if (seen == next && !run.Killed)
                {
                    break;
                }
            }

            // Every part was verified once at most, and read again only when a kill caught it in flight.
            Assert.All(verified, v => Assert.True(v <= 1, "a verified part was fetched again"));
            Assert.True(reads.Sum() <= parts + killsThisSeq, $"{reads.Sum()} part reads for {parts} parts and {killsThisSeq} kills");
            current = next;
        }

        output.WriteLine($"full fetch {full.TotalMilliseconds:0} ms; {runs} runs, {kills} kills: {killedMidFetch} before the switch, {killedAfterSwitch} after it; reached seq {current}");
        Assert.True(kills >= Kills, $"only {kills} kills in {runs} runs");
        Assert.True(killedMidFetch > 0, "no kill landed before the switch");
    }

    private static void Count(string stdout, int[] reads, int[] verified)
    {
        foreach (var line in stdout.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("part_read ", StringComparison.Ordinal))
            {
                reads[int.Parse(line.AsSpan(10), CultureInfo.InvariantCulture)]++;
            }
            else if (line.StartsWith("part_verified ", StringComparison.Ordinal))
            {
                verified[int.Parse(line.AsSpan(14), CultureInfo.InvariantCulture)]++;
            }
        }
    }

    /// <summary>Opens the store as a restarted kiosk would and checks it holds snapshot <paramref name="previous"/> or
    /// <paramref name="next"/> whole: seq, counts, every record on disk, sampled lookups.</summary>
    private ulong Verify(ulong previous, ulong next)
    {
        using var store = ColorStore.Open(new ColorStoreSettings { DatabasePath = _w.DatabasePath, Feed = _w.Feed, AuthorityKey = _w.PublicKey });
        Assert.Equal("ok", store.IntegrityCheck());
        var seq = store.State.Seq ?? 0;
        Assert.True(seq == previous || seq == next, $"seq {seq} is neither {previous} nor {next}");
        var records = RecordsOf(seq);
        var documents = DocumentsOf(seq);
        Assert.Equal(records.Length, store.RecordCount);
        Assert.Equal(documents.Length, store.DocumentRecordCount);
        Assert.Equal(records.OrderBy(r => r.Id.High).ThenBy(r => r.Id.Low).ThenBy(r => r.Issuer, StringComparer.Ordinal), store.ReadAllFromDisk().OrderBy(r => r.Id.High).ThenBy(r => r.Id.Low).ThenBy(r => r.Issuer, StringComparer.Ordinal));
        Assert.Equal(documents.Length, store.ReadAllDocumentsFromDisk().Count());
        foreach (var probe in new[] { 0, records.Length / 3, records.Length - 1 })
        {
            Assert.True(store.TryLookup(records[probe].Issuer, records[probe].Id, out var color, out var ct));
            Assert.Equal((records[probe].Color, records[probe].ColorTime), (color, ct));
        }

        foreach (var probe in new[] { 0, documents.Length / 2, documents.Length - 1 })
        {
            Assert.True(store.TryLookupDocument(documents[probe].DocRef, out var color, out var ct));
            Assert.Equal((documents[probe].Color, documents[probe].ColorTime), (color, ct));
        }

        Assert.Equal(At(seq), store.State.InSyncAsOf);
        return seq;
    }

    private static DateTimeOffset At(ulong seq) => Base.AddSeconds((double)seq);

    /// <summary>Snapshot <paramref name="seq"/>: Records + seq records (the count tells the snapshot), colors and ct a function of seq.</summary>
    private static ColorRecord[] RecordsOf(ulong seq) =>
        Enumerable.Range(0, Records + (int)seq)
            .Select(i => new ColorRecord(i % 5 == 0 ? "CN-BJ" : "CN-HL", new CodeId((ulong)i * 0x9E3779B97F4A7C15UL, (ulong)i), (HealthColor)((i + (int)seq) % 3), ((long)seq * 1_000_000) + i))
            .ToArray();

    private static DocumentRecord[] DocumentsOf(ulong seq) =>
        Enumerable.Range(0, Documents + (2 * (int)seq))
            .Select(i => new DocumentRecord(new DocRef((ulong)i * 0xC2B2AE3D27D4EB4FUL, (ulong)i), (HealthColor)((i + (int)seq) % 3), ((long)seq * 1_000_000) - i))
            .ToArray();

    private string Folder(ulong seq) =>
        ManifestBuilder.Build(_w, seq, At(seq), RecordsOf(seq), DocumentsOf(seq), MaxPartBytes).WriteFolder(_w.Directory, $"manifest-{seq}");

    /// <summary>Runs <c>kiosk colors fetch</c>; with a delay, SIGKILLs it then unless it finished first.</summary>
    private Result Run(string folder, string key, TimeSpan? kill)
    {
        var start = new ProcessStartInfo(CrashConsistencyTests.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "kiosk.dll"), "colors", "fetch", folder, "--db", _w.DatabasePath, "--authority-key", key, "--feed", _w.Feed })
        {
            start.ArgumentList.Add(arg);
        }

        // Out of sync the moment the manifest arrives: its parts are fetched at once (rule 9's SnapshotAfter of zero).
        start.Environment["KIOSK_ColorFeed__SnapshotAfter"] = "00:00:00";
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the kiosk");
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        var killed = false;
        if (kill is { } delay && !child.WaitForExit(delay))
        {
            child.Kill(entireProcessTree: true);
            killed = true;
        }

        child.WaitForExit();
        return new Result(killed, killed ? -1 : child.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
    }

    private sealed record Result(bool Killed, int ExitCode, string Output);
}
