using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Service.Cli;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary><c>kiosk colors import</c> and <c>kiosk colors status</c>, run in-process through the real parser.</summary>
public sealed class ColorsCommandTests : IDisposable
{
    private readonly FeedWorld _w = new();

    public ColorsCommandTests() => _w.Store.Dispose();

    public void Dispose() => _w.Dispose();

    private string Key => AuthorityKey.ToBase64Spki(_w.Authority);

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await KioskCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string Write(string name, FeedMessage message)
    {
        var path = Path.Combine(_w.Directory, name);
        File.WriteAllBytes(path, _w.Sign(message));
        return path;
    }

    [Fact]
    public async Task ImportAppliesEachKindOfMessageAndPrintsOneLine()
    {
        var snapshot = Write("s.cose", _w.Snapshot(3, T0, Record(1, HealthColor.Red, 10), Record(2, HealthColor.Green, 10)));
        var batch = Write("b.cose", _w.Batch(4, T0.AddMinutes(1), Record(3, HealthColor.Yellow, 20)));
        var heartbeat = Write("h.cose", _w.Heartbeat(4, T0.AddMinutes(2)));
        var common = new[] { "--db", _w.DatabasePath, "--authority-key", Key, "--feed", "CN-HL" };

        var r1 = await Run(["colors", "import", snapshot, .. common]);
        Assert.Equal((0, "snapshot_applied: snapshot seq 3 applied: 2 records"), (r1.Code, r1.Out.Trim()));
        var r2 = await Run(["colors", "import", batch, .. common]);
        Assert.Equal(0, r2.Code);
        Assert.StartsWith("batch_applied: batch seq 4", r2.Out, StringComparison.Ordinal);
        var r3 = await Run(["colors", "import", heartbeat, .. common]);
        Assert.Equal("heartbeat_in_sync: heartbeat seq 4: in sync", r3.Out.Trim());
        var r4 = await Run(["colors", "import", batch, .. common]);
        Assert.StartsWith("batch_duplicate", r4.Out, StringComparison.Ordinal);

        var status = await Run(["colors", "status", .. common]);
        Assert.Equal(0, status.Code);
        Assert.Contains("seq: 4", status.Out);
        Assert.Contains("records: 3", status.Out);
        Assert.Contains("in_sync_as_of: 2026-12-01T09:02:00Z", status.Out);
        Assert.Contains("out_of_sync: false", status.Out);

        var json = await Run(["colors", "status", "--json", .. common]);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal(3, doc.RootElement.GetProperty("records").GetInt64());
        Assert.Equal(4UL, doc.RootElement.GetProperty("seq").GetUInt64());
    }

    [Fact]
    public async Task StatusCountsTheDocumentRecords()
    {
        var common = new[] { "--db", _w.DatabasePath, "--authority-key", Key, "--feed", "CN-HL" };
        var snapshot = Write("s.cose", new SnapshotMessage("CN-HL", 3, T0, [Record(1, HealthColor.Red, 10)], [Document(1, HealthColor.Green, 10), Document(2, HealthColor.Red, 10)]));
        var import = await Run(["colors", "import", snapshot, .. common]);
        Assert.Equal((0, "snapshot_applied: snapshot seq 3 applied: 1 records, 2 document records"), (import.Code, import.Out.Trim()));
        var batch = Write("b.cose", new BatchMessage("CN-HL", 4, T0.AddMinutes(1), [], [Document(3, HealthColor.Yellow, 20)]));
        Assert.Equal(0, (await Run(["colors", "import", batch, .. common])).Code);

        var status = await Run(["colors", "status", .. common]);
        Assert.Contains("\nrecords: 1\n", status.Out.ReplaceLineEndings("\n"));
        Assert.Contains("document_records: 3", status.Out);
        var json = await Run(["colors", "status", "--json", .. common]);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal(3, doc.RootElement.GetProperty("document_records").GetInt64());
        Assert.Equal(1, doc.RootElement.GetProperty("records").GetInt64());
    }

    [Fact]
    public async Task BadInputIsOneLineExit2AndLeavesTheStoreUntouched()
    {
        var snapshot = Write("s.cose", _w.Snapshot(3, T0, Record(1, HealthColor.Red, 10)));
        var common = new[] { "--db", _w.DatabasePath, "--authority-key", Key, "--feed", "CN-HL" };
        Assert.Equal(0, (await Run(["colors", "import", snapshot, .. common])).Code);

        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var forged = Path.Combine(_w.Directory, "forged.cose");
        File.WriteAllBytes(forged, FeedEncoder.Sign(_w.Snapshot(9, T0, Record(7, HealthColor.Green, 10)), other));
        var truncated = Path.Combine(_w.Directory, "truncated.cose");
        File.WriteAllBytes(truncated, File.ReadAllBytes(snapshot)[..40]);

        string[][] cases =
        [
            ["colors", "import", forged, .. common],
            ["colors", "import", truncated, .. common],
            ["colors", "import", Path.Combine(_w.Directory, "missing.cose"), .. common],
            ["colors", "import", snapshot, "--db", _w.DatabasePath, "--authority-key", "not-base64!", "--feed", "CN-HL"],
            ["colors", "import", snapshot, "--db", _w.DatabasePath, "--authority-key", Key, "--feed", "CN-BJ"],
            ["colors", "status", "--db", Path.Combine(_w.Directory, "none.db"), "--authority-key", Key, "--feed", "CN-HL"],
            ["colors", "import"],
        ];
        foreach (var args in cases)
        {
            var (code, stdout, stderr) = await Run(args);
            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
            Assert.Single(stderr.Trim().Split('\n'));
        }

        var status = await Run(["colors", "status", .. common]);
        Assert.Contains("seq: 3", status.Out);
        Assert.Contains("records: 1", status.Out);
    }
}
