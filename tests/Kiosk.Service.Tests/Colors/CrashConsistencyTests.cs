using System.Diagnostics;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Colors;
using Xunit.Abstractions;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary>
/// Rule 7 under a real crash: <c>kiosk colors import</c> runs as a child process and is killed with SIGKILL at a
/// random moment while it applies a large snapshot. After each kill the store must reopen holding exactly the
/// previous snapshot or exactly the new one: seq, record and document record counts, every record and every
/// document record consistent (the two are one state).
/// </summary>
public sealed class CrashConsistencyTests(ITestOutputHelper output) : IDisposable
{
    private const int Records = 80_000;
    private const int Documents = 40_000;
    private const int Kills = 24;
    private readonly FeedWorld _w = new();

    public void Dispose() => _w.Dispose();

    [Fact]
    public void KillingTheImporterMidSnapshotLeavesTheOldOrTheNewStateNeverAMix()
    {
        _w.Store.Dispose();
        var random = new Random(20261201);
        var key = AuthorityKey.ToBase64Spki(_w.Authority);

        // Seq 1 and 2 imported to completion; the faster of the two calibrates the kill delays.
        var full = TimeSpan.MaxValue;
        for (var seq = 1UL; seq <= 2; seq++)
        {
            var stopwatch = Stopwatch.StartNew();
            using var run = StartImport(WriteSnapshot(seq), key);
            run.WaitForExit();
            Assert.True(run.ExitCode == 0, run.StandardError.ReadToEnd());
            full = stopwatch.Elapsed < full ? stopwatch.Elapsed : full;
        }

        var current = Verify(2, 2);
        int killedBefore = 0, completed = 0, finishedFirst = 0;
        var runs = 0;
        for (; runs - finishedFirst < Kills && runs < Kills * 4; runs++)
        {
            var next = current + 1;
            var file = WriteSnapshot(next);
            var delay = TimeSpan.FromMilliseconds(random.NextDouble() * full.TotalMilliseconds);
            var started = Stopwatch.StartNew();
            using (var child = StartImport(file, key))
            {
                // The kill moment is random on purpose (anywhere in the run); what is asserted after it holds for any
                // moment: the old state or the new one, never a mix. Not a wait for an outcome.
                var exited = child.WaitForExit(delay);
                if (exited)
                {
                    // Faster than calibrated (the machine got quieter): narrow the window so later kills land mid-run.
                    finishedFirst++;
                    full = started.Elapsed < full ? started.Elapsed : full;
                }
                else
                {
                    child.Kill(entireProcessTree: true);
                    child.WaitForExit();
                }
            }

            var seen = Verify(current, next);
            if (seen == next)
            {
                completed++;
            }
            else
            {
                killedBefore++;
            }

            current = seen;
        }

        output.WriteLine($"full import {full.TotalMilliseconds:0} ms; {runs} runs, {runs - finishedFirst} killed: {killedBefore} reopened with the old state, {completed} with the new one ({finishedFirst} had finished before the kill)");
        Assert.True(runs - finishedFirst >= Kills, $"only {runs - finishedFirst} of {runs} runs were killed");
        Assert.True(killedBefore > 0, "no kill landed before the commit: the test did not exercise a crash mid-apply");
    }

    private ulong Verify(ulong previous, ulong next)
    {
        using var store = ColorStore.Open(new ColorStoreSettings { DatabasePath = _w.DatabasePath, Feed = _w.Feed, AuthorityKey = _w.PublicKey });
        Assert.Equal("ok", store.IntegrityCheck());
        var seq = store.State.Seq ?? 0;
        Assert.True(seq == previous || seq == next, $"seq {seq} is neither {previous} nor {next}");
        var expected = Snapshot(seq);
        Assert.Equal(expected.Length, store.RecordCount);
        Assert.Equal(expected.Length, store.State.RecordCount);
        var onDisk = 0;
        foreach (var record in store.ReadAllFromDisk())
        {
            var n = (int)record.Id.Low;
            Assert.True(n < expected.Length, "a record of another snapshot is present");
            Assert.Equal(expected[n], record);
            onDisk++;
        }

        Assert.Equal(expected.Length, onDisk);
        foreach (var probe in new[] { 0, expected.Length / 2, expected.Length - 1 })
        {
            Assert.True(store.TryLookup(expected[probe].Issuer, expected[probe].Id, out var color, out var ct));
            Assert.Equal((expected[probe].Color, expected[probe].ColorTime), (color, ct));
        }

        var documents = DocumentsOf(seq);
        Assert.Equal(documents.Length, store.DocumentRecordCount);
        Assert.Equal(documents.Length, store.State.DocumentRecordCount);
        var documentsOnDisk = 0;
        foreach (var document in store.ReadAllDocumentsFromDisk())
        {
            var n = (int)document.DocRef.Low;
            Assert.True(n < documents.Length, "a document record of another snapshot is present");
            Assert.Equal(documents[n], document);
            documentsOnDisk++;
        }

        Assert.Equal(documents.Length, documentsOnDisk);
        foreach (var probe in new[] { 0, documents.Length / 2, documents.Length - 1 })
        {
            Assert.True(store.TryLookupDocument(documents[probe].DocRef, out var color, out var ct));
            Assert.Equal((documents[probe].Color, documents[probe].ColorTime), (color, ct));
        }

        Assert.Equal(T0.AddMinutes((double)seq), store.State.InSyncAsOf);
        return seq;
    }

    /// <summary>Snapshot <paramref name="seq"/>: Records + seq records, every color and ct a function of seq.</summary>
    private static ColorRecord[] Snapshot(ulong seq)
    {
        var records = new ColorRecord[Records + (int)seq];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = new ColorRecord(i % 5 == 0 ? "CN-BJ" : "CN-HL", new CodeId((ulong)i * 0x9E3779B97F4A7C15UL, (ulong)i), (HealthColor)((i + (int)seq) % 3), (long)seq * 1_000_000 + i);
        }

        return records;
    }

    /// <summary>The document records of snapshot <paramref name="seq"/>: Documents + 2 × seq of them (so the count tells the snapshot), each a function of seq.</summary>
    private static DocumentRecord[] DocumentsOf(ulong seq)
    {
        var documents = new DocumentRecord[Documents + (2 * (int)seq)];
        for (var i = 0; i < documents.Length; i++)
        {
            documents[i] = new DocumentRecord(new HealthCode.Formats.Identity.DocRef((ulong)i * 0xC2B2AE3D27D4EB4FUL, (ulong)i), (HealthColor)((i + (2 * (int)seq)) % 3), ((long)seq * 1_000_000) - i);
        }

        return documents;
    }

    private string WriteSnapshot(ulong seq)
    {
        var path = Path.Combine(_w.Directory, $"snapshot-{seq}.cose");
        File.WriteAllBytes(path, _w.Sign(new SnapshotMessage(_w.Feed, seq, T0.AddMinutes((double)seq), Snapshot(seq), DocumentsOf(seq))));
        return path;
    }

    private Process StartImport(string file, string key) => _w.StartImport(file, key);

    internal static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
