using System.Text;
using System.Text.Json;
using Kiosk.Core;
using Kiosk.FleetConsole;
using Kiosk.Mqtt;

namespace Kiosk.Service.Tests.FleetConsole;

/// <summary>The console's pure parts: status rows, the table, the watch's hour, desired documents.</summary>
public sealed class FleetConsoleModelTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void StatusRowsAreReadSafelyAndSortedWorstFirst()
    {
        var rows = new[]
        {
            Row("a", """{"state":"online","at":"2026-05-01T07:59:00.000Z","version":"0.1.0","problems":[],"colorData":{"feed":"CN-HL","seq":9,"inSyncAsOf":"2026-05-01T07:58:00.000Z"}}"""),
            Row("b", """{"state":"lost"}"""),
            Row("c", """{"state":"degraded","problems":["camera_fault","card_reader_fault"],"colorData":{"seq":null,"inSyncAsOf":null}}"""),
            Row("d", """not json"""),
            Row("e", """{"state":"offline","problems":["thermometer_fault"]}"""),
            Row("f", """{"state":"degraded","problems":["thermometer_fault"]}"""),
        };
        var sorted = KioskStatusRow.WorstFirst(rows, Now).Select(r => r.KioskId);
        Assert.Equal(["b", "c", "f", "d", "e", "a"], sorted);

        var c = rows[2];
        Assert.Equal(("ok", "fault", "fault"), (c.Thermometer, c.Camera, c.Reader));
        Assert.Equal("?", rows[4].Thermometer); // offline: its last problems say nothing about now
        Assert.Equal(KioskStatusRow.Unreadable, rows[3].State);
        Assert.Equal(TimeSpan.FromMinutes(2), rows[0].ColorDataAge(Now));
        Assert.Null(c.ColorDataAge(Now));
        Assert.Equal(1, FleetStatusTable.ExitCode(rows));
        Assert.Equal(0, FleetStatusTable.ExitCode([rows[0]]));
    }

    [Fact]
    public void TheTableIsAlignedFitsANarrowTerminalAndItsJsonIsComplete()
    {
        var rows = KioskStatusRow.WorstFirst([Row("kiosk-01", """{"state":"degraded","at":"2026-05-01T07:59:30.000Z","problems":["thermometer_fault","color_data_stale","clock_fault"]}""")], Now);
        var lines = FleetStatusTable.Lines(rows, Now);
        Assert.Equal(lines[0].IndexOf("STATE", StringComparison.Ordinal), lines[1].IndexOf("degraded", StringComparison.Ordinal));
        Assert.EndsWith("30 s ago", lines[1], StringComparison.Ordinal);
        Assert.All(FleetStatusTable.Lines(rows, Now, width: 80), l => Assert.True(l.Length <= 80, l));
        Assert.Contains("…", FleetStatusTable.Lines(rows, Now, width: 80)[1], StringComparison.Ordinal);

        var json = JsonDocument.Parse(FleetStatusTable.Json(rows, Now)).RootElement;
        Assert.Equal(1, json.GetProperty("summary").GetProperty("degraded").GetInt32());
        var kiosk = json.GetProperty("kiosks")[0];
        Assert.Equal("fault", kiosk.GetProperty("devices").GetProperty("thermometer").GetString());
        Assert.Equal(3, kiosk.GetProperty("problems").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, kiosk.GetProperty("colorData").GetProperty("ageS").ValueKind);
    }

    [Fact]
    public void TheWatchCountsTheLastHourByReasonDropsDuplicatesAndKeepsTheLatestAlerts()
    {
        var model = new FleetWatchModel("kiosk/v1", null, alertCapacity: 2);
        model.OnMessage("kiosk/v1/site-a/k1/status", Utf8("""{"state":"online","at":"2026-05-01T07:00:00.000Z"}"""), retained: true, Now);
        var duplicate = Guid.NewGuid();
        Decision(model, "k1", duplicate, "pass", "ok", Now.AddMinutes(-5));
        Decision(model, "k1", duplicate, "pass", "ok", Now.AddMinutes(-5)); // at least once: the same event again
        Decision(model, "k1", Guid.NewGuid(), "refer", "health_status", Now.AddMinutes(-10));
        Decision(model, "k1", Guid.NewGuid(), "refer", "temperature_high", Now.AddMinutes(-30));
        Decision(model, "k1", Guid.NewGuid(), "refer", "temperature_high", Now.AddMinutes(-50));
        Decision(model, "k1", Guid.NewGuid(), "pass", "ok", Now.AddMinutes(-61)); // older than the hour
        model.OnMessage("kiosk/v1/site-a/k1/event/decision", Utf8("garbage"), retained: false, Now);

        var (rows, _) = model.Snapshot(Now);
        var row = Assert.Single(rows);
        Assert.Equal((1, 3, "temperature_high:2 health_status:1"), (row.Pass, row.Refer, row.Reasons));
        Assert.Equal(DateTimeOffset.Parse("2026-05-01T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture), row.Row.LastSeen); // retained: old news

        // Twenty minutes on, the two oldest refers have left the hour.
        (rows, _) = model.Snapshot(Now.AddMinutes(20));
        Assert.Equal((1, 2, "health_status:1 temperature_high:1"), (rows[0].Pass, rows[0].Refer, rows[0].Reasons));

        for (var i = 0; i < 3; i++)
        {
            model.OnMessage("kiosk/v1/site-a/k1/event/alert", Utf8($$"""{"eventId":"{{Guid.NewGuid()}}","at":"2026-05-01T08:00:0{{i}}.000Z","kind":"alert_{{i}}","detail":"d","active":{{(i == 1 ? "false" : "true")}}}"""), retained: false, Now);
        }

        var (_, alerts) = model.Snapshot(Now);
        Assert.Equal(["alert_2", "alert_1"], alerts.Select(a => a.Kind));
        Assert.False(alerts[1].Active);

        // A cleared retained status removes the kiosk.
        model.OnMessage("kiosk/v1/site-a/k1/status", [], retained: false, Now);
        Assert.Empty(model.Snapshot(Now).Rows);
    }

    [Fact]
    public void ALostKioskKeepsItsLastKnownFieldsAndLastSeenIsTheNewerOfTelemetryAndStatus()
    {
        var model = new FleetWatchModel("kiosk/v1", null);
        var boot = Guid.NewGuid();
        model.OnMessage("kiosk/v1/site-a/k1/status", Utf8($$$"""{"state":"degraded","at":"2026-05-01T07:58:00.000Z","version":"1.2.3","bootId":"{{{boot}}}","problems":["camera_fault"],"colorData":{"feed":"CN-HL","seq":41,"inSyncAsOf":"2026-05-01T07:57:00.000Z"}}"""), retained: true, Now);
        model.OnMessage("kiosk/v1/site-a/k1/telemetry", Utf8("""{"at":"2026-05-01T07:59:59.000Z","uptimeS":60}"""), retained: false, Now);
        Assert.Equal(Now.AddSeconds(-1), model.Snapshot(Now).Rows.Single().Row.LastSeen);

        model.OnMessage("kiosk/v1/site-a/k1/status", Utf8($$"""{"state":"lost","version":"1.2.3","bootId":"{{boot}}","connectedAt":"2026-05-01T07:50:00.000Z"}"""), retained: false, Now);

        var lost = model.Snapshot(Now).Rows.Single().Row;
        Assert.Equal(KioskState.Lost, lost.State);
        Assert.Equal(("1.2.3", boot.ToString(), "CN-HL", (ulong?)41UL), (lost.Version, lost.BootId, lost.Feed, lost.Seq));
        Assert.Equal(["camera_fault"], lost.Problems);
        Assert.Equal(Now.AddSeconds(-1), lost.LastSeen);
        Assert.Equal("1 s ago", FleetStatusTable.Cells(lost, Now)[^1]);
    }

    [Fact]
    public void AWatchStartsItsHourFromTheKiosksTelemetryAndCountsEachLaterDecisionOnceOnTop()
    {
        var model = new FleetWatchModel("kiosk/v1", null);
        model.OnMessage("kiosk/v1/site-a/k1/status", Utf8("""{"state":"online","at":"2026-05-01T07:59:00.000Z"}"""), retained: true, Now);

        // A watch started after the kiosk's decisions: 0/0 until the first telemetry, then the kiosk's own hour.
        Assert.Equal((0, 0, "-"), Counts(model, Now));
        Telemetry(model, "k1", Now.AddSeconds(-50), pass: 7, byReason: """{"health_status":2,"temperature_high":1}""", firstSeq: 100, lastSeq: 120);
        Assert.Equal((7, 3, "health_status:2 temperature_high:1"), Counts(model, Now));

        // Decisions the telemetry counted (seq 100..120) arrive late from the outbox: not counted again.
        SeqDecision(model, "k1", 118, "pass", "ok", Now.AddMinutes(-2));
        SeqDecision(model, "k1", 120, "refer", "health_status", Now.AddMinutes(-1));

        // Later ones go on top; so does one of the kiosk's previous process (a seq before firstSeq).
        SeqDecision(model, "k1", 121, "pass", "ok", Now.AddSeconds(-20));
        SeqDecision(model, "k1", 122, "refer", "clock_fault", Now.AddSeconds(-10));
        SeqDecision(model, "k1", 95, "refer", "health_status", Now.AddMinutes(-30));
        Assert.Equal((8, 5, "health_status:3 clock_fault:1 temperature_high:1"), Counts(model, Now));

        // The next telemetry counts 121 and 122 itself: they leave the live part, nothing is counted twice.
        Telemetry(model, "k1", Now.AddSeconds(10), pass: 8, byReason: """{"health_status":2,"temperature_high":1,"clock_fault":1}""", firstSeq: 100, lastSeq: 122);
        Assert.Equal((8, 5, "health_status:3 clock_fault:1 temperature_high:1"), Counts(model, Now.AddSeconds(10)));

        // An older telemetry arriving late (QoS 0, reordered) does not replace the newer one.
        Telemetry(model, "k1", Now.AddSeconds(-50), pass: 7, byReason: """{"health_status":2,"temperature_high":1}""", firstSeq: 100, lastSeq: 120);
        Assert.Equal((8, 5, "health_status:3 clock_fault:1 temperature_high:1"), Counts(model, Now.AddSeconds(10)));

        // A telemetry more than an hour old (the kiosk went quiet) seeds nothing: only live decisions still in the hour count.
        SeqDecision(model, "k1", 123, "refer", "code_expired", Now.AddMinutes(29));
        Assert.Equal((8, 6, "health_status:3 clock_fault:1 code_expired:1 temperature_high:1"), Counts(model, Now.AddMinutes(29)));
        Assert.Equal((0, 1, "code_expired:1"), Counts(model, Now.AddMinutes(61)));
        Assert.Equal((0, 0, "-"), Counts(model, Now.AddHours(2)));
    }

    [Fact]
    public void ATelemetryWithoutLastHourOrUnreadableSeedsNothingAndLastSeenIsOneRuleForStatusAndTelemetry()
    {
        var model = new FleetWatchModel("kiosk/v1", null);

        // Telemetry before the kiosk's status (a watch that subscribed in between): kept for when the status comes.
        model.OnMessage("kiosk/v1/site-a/k1/telemetry", Utf8("""{"at":"2026-05-01T07:59:58.000Z","uptimeS":60,"counters":{"outcome":{"pass":40}}}"""), retained: false, Now);
        model.OnMessage("kiosk/v1/site-a/k1/telemetry", Utf8("""{"at":"2026-05-01T07:59:59.000Z","lastHour":{"pass":"many"}}"""), retained: false, Now);
        model.OnMessage("kiosk/v1/site-a/k1/telemetry", Utf8("""{"lastHour":{"pass":3,"refer":0}}"""), retained: false, Now);
        model.OnMessage("kiosk/v1/site-a/k1/status", Utf8("""{"state":"online","at":"2026-05-01T07:59:00.000Z"}"""), retained: true, Now);
        var (rows, _) = model.Snapshot(Now);
        var row = Assert.Single(rows);
        Assert.Equal((0, 0), (row.Pass, row.Refer)); // since-start counters are not an hour
        Assert.Equal(Now.AddSeconds(-1), row.Row.LastSeen);

        // The kiosk's refresh of its status: newer than the telemetry, so LAST SEEN follows it.
        model.OnMessage("kiosk/v1/site-a/k1/status", Utf8("""{"state":"online","at":"2026-05-01T08:00:00.500Z"}"""), retained: false, Now.AddSeconds(0.5));
        Assert.Equal(Now.AddSeconds(0.5), model.Snapshot(Now).Rows.Single().Row.LastSeen);
        Assert.Equal(Now.AddSeconds(0.5), KioskTelemetry.LastSeen(Now.AddSeconds(0.5), Now.AddSeconds(-1)));
        Assert.Equal(Now, KioskTelemetry.LastSeen(null, Now));
        Assert.Null(KioskTelemetry.LastSeen(null, null));
        Assert.Null(KioskTelemetry.Parse(Utf8("[1,2]")));
        Assert.Null(KioskTelemetry.Parse(new byte[ConsoleText.MaxPayload + 1]));
    }

    [Fact]
    public void SelfTestAnswersATableOfDevicesWithAPlainVerdictEach()
    {
        using var answer = JsonDocument.Parse("""
            {"devices":{"camera":"ok: 12 frames decoded since start","display":"none: no screen configured","thermometer":"fault: thermometer_fault is active"},
             "checks":[{"device":"camera","verdict":"ok","detail":"12 frames decoded since start"},
                       {"device":"display","verdict":"none","detail":"no screen configured"},
                       {"device":"thermometer","verdict":"fault","detail":"thermometer_fault is active"}]}
            """);
        var text = FleetCommandSender.Describe("selftest", new CommandReply("site-a", "k1", "ok", null, answer.RootElement.Clone()));
        var lines = text.Split(Environment.NewLine);

        Assert.Equal("site-a/k1  ok  self-test: 1 of 3 checks at fault", lines[0]);
        Assert.Matches(@"^  DEVICE\s+VERDICT\s+DETAIL$", lines[1]);
        Assert.Matches(@"^  camera\s+ok\s+12 frames decoded since start$", lines[2]);
        Assert.Matches(@"^  display\s+none\s+no screen configured$", lines[3]);
        Assert.Matches(@"^  thermometer\s+fault\s+thermometer_fault is active$", lines[4]);
        Assert.DoesNotContain("Statistics", text, StringComparison.Ordinal);
        Assert.DoesNotContain("{", text, StringComparison.Ordinal);

        // An older kiosk's answer (devices only, free text) reads the same way.
        using var old = JsonDocument.Parse("""{"devices":{"display":"ok (1 sink(s))","gpio":"ok"}}""");
        var oldLines = FleetCommandSender.Describe("selftest", new CommandReply("site-a", "k1", "ok", null, old.RootElement.Clone())).Split(Environment.NewLine);
        Assert.Matches(@"^  display\s+ok\s+1 sink\(s\)$", oldLines[2]);
        Assert.Matches(@"^  gpio\s+ok$", oldLines[3].TrimEnd());
    }

    [Theory]
    [InlineData("ok: 3 reads", "ok", "3 reads")]
    [InlineData("fault", "fault", "")]
    [InlineData("untested: no reading since the kiosk started", "untested", "no reading since the kiosk started")]
    [InlineData("ok (1 sink(s))", "ok", "1 sink(s)")]
    [InlineData("odd text", "see detail", "odd text")]
    public void ASelfTestLineSplitsIntoItsVerdictAndDetail(string text, string verdict, string detail) =>
        Assert.Equal((verdict, detail), Kiosk.Fleet.SelfTestVerdict.Split(text));

    [Fact]
    public void TheWillCarriesWhatTheKioskKnewAtConnectAndNothingElse()
    {
        var identity = new FleetIdentity(TimeProvider.System);
        using var will = JsonDocument.Parse(FleetConnection.Will(identity, Now));
        var root = will.RootElement;
        Assert.Equal(["state", "version", "bootId", "connectedAt"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("lost", identity.Version, identity.BootId.ToString(), "2026-05-01T08:00:00.000Z"), (root.GetProperty("state").GetString(), root.GetProperty("version").GetString(), root.GetProperty("bootId").GetString(), root.GetProperty("connectedAt").GetString()));

        var row = KioskStatusRow.Parse("site-a", "k1", FleetConnection.Will(identity, Now));
        Assert.Equal((KioskState.Lost, identity.Version, (DateTimeOffset?)Now), (row.State, row.Version, row.LastSeen));
        Assert.Equal("""{"state":"lost"}""", Encoding.UTF8.GetString(FleetConnection.Will(null, Now)));
    }

    [Fact]
    public void TheWatchScreenFitsTheTerminalAndSaysWhenTheConnectionIsLost()
    {
        var model = new FleetWatchModel("kiosk/v1", "site-a");
        for (var i = 0; i < 50; i++)
        {
            model.OnMessage($"kiosk/v1/site-a/k{i:D2}/status", Utf8("""{"state":"online"}"""), retained: false, Now);
        }

        model.OnMessage("kiosk/v1/site-b/other/status", Utf8("""{"state":"lost"}"""), retained: false, Now); // another site
        var lines = FleetWatchScreen.Render(model, "kiosk/v1/site-a", "Connection refused", Now, 100, 20);
        Assert.Equal(20, lines.Count);
        Assert.All(lines, l => Assert.True(l.Length <= 100, l));
        Assert.Contains("50 kiosks: 50 online", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("connection lost: Connection refused", lines[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("more kiosks", StringComparison.Ordinal));
    }

    [Fact]
    public void AtEightyColumnsTheWatchKeepsEveryColumnShortened()
    {
        var model = new FleetWatchModel("kiosk/v1", null);
        model.OnMessage("kiosk/v1/station-north/door-entrance-01/status", Utf8("""{"state":"degraded","at":"2026-05-01T07:59:00.000Z","version":"0.1.0","problems":["thermometer_fault","camera_fault","color_data_stale"],"colorData":{"feed":"CN-HL","seq":1042,"inSyncAsOf":"2026-05-01T07:57:00.000Z"}}"""), retained: false, Now);
        for (var i = 0; i < 3; i++)
        {
            model.OnMessage("kiosk/v1/station-north/door-entrance-01/event/decision", Utf8($$"""{"eventId":"{{Guid.NewGuid()}}","at":"2026-05-01T07:5{{i}}:00.000Z","outcome":"{{(i == 0 ? "pass" : "refer")}}","reason":"{{(i == 0 ? "ok" : "temperature_high")}}"}"""), retained: false, Now);
        }

        var lines = FleetWatchScreen.Render(model, "kiosk/v1/+", null, Now, 80, 24);

        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length}: {l}"));
        var header = lines.Single(l => l.StartsWith("KIOSK", StringComparison.Ordinal));
        foreach (var column in FleetWatchScreen.CompactColumns)
        {
            Assert.Contains(column, header, StringComparison.Ordinal);
        }

        var row = lines.Single(l => l.StartsWith("station-north/", StringComparison.Ordinal));
        Assert.Matches(@"^station-north/door-e… +degr +thermom… +0\.1\.0 +1042 +3 min +FF\. +0 s +1 +2 +temperat…$", row);
    }

    [Fact]
    public void AHostileRetainedStatusGivesATableAndAWatchWithNoControlCharacterAndBoundedWidth()
    {
        var hostile = """{"state":"degraded","version":"\u001b[2J\u001b]0;evil\u0007","problems":["\u001b[1A\u001b[Kfake_ok","\u202eokay\u0085"],"bootId":"\u009b31m"}""";
        var huge = $$"""{"state":"online","version":"{{new string('v', 1024 * 1024)}}","problems":["{{new string('p', 1024 * 1024)}}"]}""";
        var padded = $$"""{"state":"online","version":"{{new string('v', 20 * 1024)}}","problems":[{{string.Join(",", Enumerable.Repeat($"\"{new string('p', 300)}\"", 100))}}]}""";
        var rows = KioskStatusRow.WorstFirst([Row("evil", hostile), Row("huge", huge), Row("padded", padded), Row("fine", """{"state":"online","version":"1.2.3"}""")], Now);

        Assert.Equal(KioskStatusRow.Unreadable, rows.Single(r => r.KioskId == "huge").State); // over the payload bound: not parsed
        var kept = rows.Single(r => r.KioskId == "padded");
        Assert.True(kept.Version!.Length <= 64 && kept.Problems.Count <= 16 && kept.Problems.All(p => p.Length <= 64));

        var lines = FleetStatusTable.Lines(rows, Now);
        Assert.All(lines, l => Assert.DoesNotContain(l, c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format));
        Assert.All(lines, l => Assert.True(l.Length < 600, $"{l.Length} characters"));
        Assert.Contains(@"\u001b[2J", string.Join("\n", lines), StringComparison.Ordinal);

        // --json keeps the text (JSON escapes it), bounded as it was kept.
        var json = JsonDocument.Parse(FleetStatusTable.Json(rows, Now)).RootElement.GetProperty("kiosks").EnumerateArray().Single(k => k.GetProperty("kioskId").GetString() == "evil");
        Assert.Equal("\u001b[2J\u001b]0;evil\u0007", json.GetProperty("version").GetString());

        var model = new FleetWatchModel("kiosk/v1", null);
        model.OnMessage("kiosk/v1/site-a/evil/status", Utf8(hostile), retained: true, Now);
        model.OnMessage("kiosk/v1/site-a/padded/status", Utf8(padded), retained: true, Now);
        model.OnMessage("kiosk/v1/site-a/evil/event/alert", Utf8($$"""{"eventId":"{{Guid.NewGuid()}}","at":"2026-05-01T07:59:00.000Z","kind":"\u001b[31mcamera_fault","active":true,"detail":"\u001b]0;pwned\u0007{{new string('d', 10_000)}}"}"""), retained: false, Now);
        var screen = FleetWatchScreen.Render(model, "kiosk/v1", null, Now, 500, 40);
        Assert.All(screen, l => Assert.DoesNotContain(l, c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format));
        Assert.All(screen, l => Assert.True(l.Length <= 500, l));
        Assert.Contains(screen, l => l.Contains(@"\u001b]0;pwned", StringComparison.Ordinal));
    }

    [Fact]
    public void DesiredDocumentsAreBuiltAsTheKioskParsesThemAndReasonsGoToTheirKeys()
    {
        var values = new Dictionary<string, string?>
        {
            ["Checkpoint:FeverThresholdC"] = "37.5",
            ["Thermometer:RetestDelay"] = "00:00:03",
            ["Display:Language"] = "en",
            ["Checkpoint:Strict"] = "true",
        };
        var document = DesiredDocument.Parse(FleetConfigurator.Build(8, values));
        Assert.Equal(8, document.Version);
        Assert.Equal(values.OrderBy(p => p.Key), document.Values.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)).OrderBy(p => p.Key));

        Assert.Equal(("Checkpoint:FeverThresholdC", "37.5"), FleetConfigurator.ParseSetting("Checkpoint.FeverThresholdC=37.5"));
        Assert.Throws<KioskInputException>(() => FleetConfigurator.ParseSetting("FeverThresholdC=37.5"));
        Assert.Throws<KioskInputException>(() => FleetConfigurator.ParseSetting("Checkpoint:FeverThresholdC"));

        const string Reason = "Fleet is not changeable at run time; Checkpoint:FeverThresholdC: The field FeverThresholdC must be between 35 and 40.";
        string[] changed = ["Fleet:Host", "Checkpoint:FeverThresholdC", "Display:Language"];
        Assert.Equal("Fleet is not changeable at run time", FleetConfigurator.ReasonFor("Fleet:Host", Reason, changed));
        Assert.StartsWith("Checkpoint:FeverThresholdC: The field", FleetConfigurator.ReasonFor("Checkpoint:FeverThresholdC", Reason, changed), StringComparison.Ordinal);
        Assert.StartsWith("not applied", FleetConfigurator.ReasonFor("Display:Language", Reason, changed), StringComparison.Ordinal);
    }

    [Fact]
    public void CommandBodiesCarryTheExpiryAndTypedArguments()
    {
        var body = JsonDocument.Parse(FleetCommandSender.Body("r1", Now, TimeSpan.FromSeconds(10), ["reason=maintenance", "seconds=5", "force=true"])).RootElement;
        Assert.Equal("r1", body.GetProperty("requestId").GetString());
        Assert.Equal("2026-05-01T08:00:00.000Z", body.GetProperty("sentAt").GetString());
        Assert.Equal(10, body.GetProperty("expirySeconds").GetDouble());
        Assert.Equal(("maintenance", 5, true), (body.GetProperty("reason").GetString(), body.GetProperty("seconds").GetInt32(), body.GetProperty("force").GetBoolean()));
        Assert.Throws<KioskInputException>(() => FleetCommandSender.Body("r", Now, TimeSpan.Zero, ["requestId=x"]));
        Assert.Equal("selftest", FleetCommandSender.Normalize("self-test"));
        Assert.Null(FleetCommandSender.ParseAnswer("s", "k", Utf8("""{"requestId":"other","ok":true}"""), "r1"));
        Assert.Equal(CommandReply.Rejected, FleetCommandSender.ParseAnswer("s", "k", Utf8("""{"requestId":"r1","ok":false,"error":"no"}"""), "r1")!.Outcome);
    }

    private static KioskStatusRow Row(string kiosk, string json) => KioskStatusRow.Parse("site-a", kiosk, Utf8(json));

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static (int Pass, int Refer, string Reasons) Counts(FleetWatchModel model, DateTimeOffset now)
    {
        var row = model.Snapshot(now).Rows.Single();
        return (row.Pass, row.Refer, row.Reasons);
    }

    private static void Telemetry(FleetWatchModel model, string kiosk, DateTimeOffset at, int pass, string byReason, long firstSeq, long lastSeq)
    {
        var refer = System.Text.Json.JsonDocument.Parse(byReason).RootElement.EnumerateObject().Sum(p => p.Value.GetInt32());
        model.OnMessage($"kiosk/v1/site-a/{kiosk}/telemetry", Utf8($$$"""{"at":"{{{at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}}","uptimeS":3600,"lastHour":{"pass":{{{pass}}},"refer":{{{refer}}},"byReason":{{{byReason}}},"firstSeq":{{{firstSeq}}},"lastSeq":{{{lastSeq}}}}}"""), retained: false, at);
    }

    private static void SeqDecision(FleetWatchModel model, string kiosk, long seq, string outcome, string reason, DateTimeOffset at) =>
        model.OnMessage($"kiosk/v1/site-a/{kiosk}/event/decision", Utf8($$"""{"eventId":"{{Guid.NewGuid()}}","seq":{{seq}},"at":"{{at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}","outcome":"{{outcome}}","reason":"{{reason}}","temperatureC":null,"issuer":null,"codeRef":null,"latencyMs":1}"""), retained: false, Now);

    private static void Decision(FleetWatchModel model, string kiosk, Guid id, string outcome, string reason, DateTimeOffset at) =>
        model.OnMessage($"kiosk/v1/site-a/{kiosk}/event/decision", Utf8($$"""{"eventId":"{{id}}","seq":1,"at":"{{at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}","outcome":"{{outcome}}","reason":"{{reason}}","temperatureC":null,"issuer":null,"codeRef":null,"latencyMs":1}"""), retained: false, Now);
}
