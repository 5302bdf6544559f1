using Kiosk.Core;
using Kiosk.FleetWeb;
using Kiosk.Service.Tests.Fleet;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.FleetWeb;

/// <summary>The console's parts without a browser: the users file, where it may listen, the bounded history.</summary>
public sealed class FleetWebTests
{
    [Fact]
    public void AUserSignsInWithTheRightPasswordOnlyAndTheFileHoldsNoPassword()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "users.json");
        FleetUsers.AddOrReplace(path, "ann", FleetUsers.Operator, "correct horse");
        FleetUsers.AddOrReplace(path, "vic", FleetUsers.Viewer, "battery staple");
        var users = FleetUsers.Load(path);
        Assert.Equal(2, users.Count);
        Assert.Equal(FleetUsers.Operator, users.SignIn("ann", "correct horse"));
        Assert.Equal(FleetUsers.Viewer, users.SignIn("vic", "battery staple"));
        Assert.Null(users.SignIn("ann", "battery staple"));
        Assert.Null(users.SignIn("nobody", "correct horse"));
        var text = File.ReadAllText(path);
        Assert.DoesNotContain("correct horse", text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.NotEqual(FleetUsers.Hash("same"), FleetUsers.Hash("same")); // salted
    }

    [Fact]
    public void AMissingOrBrokenUsersFileIsOneLine()
    {
        using var directory = new TempDirectory();
        var missing = Assert.Throws<KioskInputException>(() => FleetUsers.Load(Path.Combine(directory.Path, "none.json")));
        Assert.Contains("cannot read the users file", missing.Message, StringComparison.Ordinal);
        var broken = Path.Combine(directory.Path, "broken.json");
        File.WriteAllText(broken, "{\"users\":[{\"name\":\"ann\",\"role\":\"admin\",\"hash\":\"x\"}]}");
        Assert.Contains("a role (viewer or operator)", Assert.Throws<KioskInputException>(() => FleetUsers.Load(broken)).Message, StringComparison.Ordinal);
        File.WriteAllText(broken, "not json");
        Assert.Contains("is not a users file", Assert.Throws<KioskInputException>(() => FleetUsers.Load(broken)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", null, null)]
    [InlineData("http://[::1]:8080", null, null)]
    [InlineData("http://localhost:8080", null, null)]
    [InlineData("http://0.0.0.0:8080", null, "refusing plain HTTP on 0.0.0.0")]
    [InlineData("http://192.168.1.10:8080", null, "refusing plain HTTP on 192.168.1.10")]
    [InlineData("https://0.0.0.0:8443", null, "needs --certificate FILE")]
    [InlineData("https://0.0.0.0:8443", "/etc/kiosk-fleet/console.p12", null)]
    [InlineData("ftp://127.0.0.1", null, "is not an http:// or https:// address")]
    public void PlainHttpIsServedOnLoopbackOnlyAndHttpsNeedsACertificate(string url, string? certificate, string? error)
    {
        var options = new FleetWebOptions { Urls = [url], UsersFile = "u", HistoryFile = "h", CertificateFile = certificate };
        if (error is null)
        {
            options.Validate();
        }
        else
        {
            Assert.Contains(error, Assert.Throws<KioskInputException>(options.Validate).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheHistoryForgetsWhatIsTooOldAndKeepsAtMostItsRows()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
        using var history = new FleetHistory(Path.Combine(directory.Path, "history.db"), TimeSpan.FromHours(24), 1000, time);
        var start = time.GetUtcNow() - TimeSpan.FromHours(30);
        for (var i = 0; i < 1500; i++)
        {
            history.AddTelemetry("site-a/k1", start + TimeSpan.FromMinutes(i), """{"memMB":50.5,"outboxDepth":2,"latencyMs":{"decision":{"p95":120}}}"""u8);
        }

        history.AddTelemetry("site-a/k1", time.GetUtcNow(), "not json"u8);
        history.AddAlert("site-a/k1", start, "camera_fault", true, "no frames");
        history.AddAudit(new AuditEntry(time.GetUtcNow(), "ann", "open-gate", "site-a/k1", "ok"));
        Assert.Equal(4500, history.Counts().Telemetry); // three numbers a message

        history.Prune();

        var (telemetry, alerts, audit) = history.Counts();
        Assert.Equal(1000, telemetry); // 1440 minutes of the last 24 h, cut to the newest 1000 rows
        Assert.Equal(0, alerts);
        Assert.Equal(1, audit);
        var series = history.Series("site-a/k1", "decisionP95Ms", time.GetUtcNow() - TimeSpan.FromHours(24));
        Assert.NotEmpty(series);
        Assert.All(series, p => Assert.Equal(120, p.Value));
        Assert.Equal("ann", history.Audit(5).Single().User);
    }

    [Fact]
    public void SettingsLinesSetAndUnsetKeysAndABadLineIsOneError()
    {
        var (set, unset) = FleetWebServer.Settings("Checkpoint:FeverThresholdC=37.5\r\nVoice:Volume=\n\n");
        Assert.Equal([("Checkpoint:FeverThresholdC", "37.5")], set);
        Assert.Equal(["Voice:Volume"], unset);
        Assert.Throws<KioskInputException>(() => FleetWebServer.Settings("=3"));
    }

    [Fact]
    public void TheTableEncodesWhatCameFromTheBroker()
    {
        var row = new Kiosk.FleetConsole.KioskStatusRow("site-a", "<script>", "online", ["camera_fault"], "1.0", null, "CN", 3, null, null, null);
        var html = FleetPages.TableBody([new LiveRow(row, 4, 1, "health_status:1")], DateTimeOffset.UnixEpoch);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("data-state=\"online\"", html, StringComparison.Ordinal);
    }
}
