using System.Text.Json;
using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using Kiosk.Service.Cli;
using Kiosk.Service.Hosting;
using Kiosk.Simulation;
using Kiosk.Simulation.Demo;
using Microsoft.Extensions.Logging;

using static Kiosk.Service.Tests.Identity.IdentityWorld;

namespace Kiosk.Service.Tests.Identity;

/// <summary>
/// Scenarios written from identity.md alone play on the production composition (the SAM driver and adapter over the
/// byte-level emulator, the real color store and feed processor) in virtual time: every rule of document mode and of
/// the card path, a kiosk without a docKey, one decision event per visitor with its <c>via</c> and <c>codeRef</c>.
/// </summary>
public sealed class IdentityScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("identity-scenario-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DemoCard Person(string name, int year, int sequence) => DemoCard.Of(name, new DateOnly(year, 3, 4), sequence);

    internal static async Task<(IReadOnlyList<VisitorResult> Results, IReadOnlyList<JsonElement> Events)> PlayAsync(string path, string output, Func<IServiceProvider, CancellationToken, Task>? alongside = null)
    {
        var events = Path.Combine(output, "events.jsonl");
        var logs = new CapturingLoggerProvider();
        var results = await SimulationRunner.PlayScenarioAsync(Scenario.Load(path), new RunOptions(null, true, path, events, null, null), fleet: false, b => b.AddProvider(logs), alongside, CancellationToken.None);
        Assert.DoesNotContain(logs.Entries, e => e.EventId == 312); // nothing reached the virtual-time loop from another thread
        var lines = File.ReadAllLines(events).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal(results.Count(r => r.Record is not null), lines.Count);
        return (results, lines);
    }

    private static string Table(IReadOnlyList<VisitorResult> results)
    {
        var table = new StringWriter();
        ResultTable.Write(table, results);
        return table.ToString();
    }

    private static void AssertReasons(IReadOnlyList<string> expected, IReadOnlyList<VisitorResult> results)
    {
        var actual = results.Select(r => r.Record is { } record ? PolicyNames.Of(record.Decision.Reason) : "-").ToList();
        Assert.True(expected.SequenceEqual(actual), $"expected {string.Join(", ", expected)}\n{Table(results)}");
    }

    [Fact]
    public async Task AVisitorWithNoCodeWhoseCardLiesDownAfterFiveMinutesIsDecidedNotTimedOut()
    {
        using var world = new IdentityWorld(Path.Combine(_dir, "scenario"));
        var late = Person("王小明", 1980, 11);
        world.Record(late);
        var path = world.Write("document", [Visitor(0, null, late, cardAt: 299), Visitor(10, null, late, cardAt: 420)]);

        var (results, events) = await PlayAsync(path, _dir);

        Assert.All(results, r => Assert.NotNull(r.Record));
        Assert.Equal(2, events.Count);
    }

    [Fact]
    public async Task DocumentModeEveryIdentityRuleOneEventPerVisitorViaCode()
    {
        using var world = new IdentityWorld(Path.Combine(_dir, "scenario"));
        var (a, b, c, d, e, f, g, h, i, j, k) = (Person("王小明", 1980, 11), Person("陈晨", 1999, 22), Person("吴敏", 1983, 33), Person("周杰", 1988, 44),
            Person("郑爽", 1991, 55), Person("冯巩", 1957, 66), Person("褚英", 1972, 77), Person("卫东", 1964, 88), Person("蒋欣", 1985, 99), Person("沈腾", 1979, 101), Person("韩雪", 1983, 112));
        world.Record(j);
        var path = world.Write("document",
        [
            Visitor(0, world.Code(a), a, cardAt: 3),
            Visitor(30, world.Code(a), b, cardAt: 2),
            Visitor(60, world.Code(null), c, cardAt: 0),
            Visitor(90, world.Code(d), null),
            Visitor(130, world.Code(e), e, cardAt: 1, fault: "unreadable"),
            Visitor(160, world.Code(f), f, cardAt: 1, flag: 'Y'),
            Visitor(190, world.Code(g), g, cardAt: 20),
            Visitor(230, world.Code(h), h with { ValidTo = "20261124" }, cardAt: 1),
            Visitor(260, world.Code(i, HealthColor.Red), i, cardAt: 0),
            Visitor(290, null, j),
            Visitor(320, world.Code(k), k, cardAt: 0),
        ]);

        var (results, events) = await PlayAsync(path, _dir);

        AssertReasons(
            ["ok", "identity_mismatch", "identity_unconfirmed", "identity_unconfirmed", "identity_unconfirmed", "identity_unconfirmed", "identity_unconfirmed", "identity_unconfirmed", "health_status", "ok", "ok"],
            results);
        Assert.Equal(["code", "code", "code", "code", "code", "code", "code", "code", "code", "card", "code"], events.Select(ev => ev.GetProperty("via").GetString()));
        Assert.All(events.Where(ev => ev.GetProperty("via").GetString() == "code"), ev => Assert.Equal("CN-HL", ev.GetProperty("issuer").GetString()));

        // A code without d is refused at once; a code whose card never came waits CardTimeout (15 s) from the prompt.
        Assert.True(results[2].Record!.Latency < TimeSpan.FromSeconds(1), Table(results));
        Assert.InRange(results[3].Record!.Latency, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(16));
        Assert.InRange(results[6].Record!.Latency, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(16));

        // The holder's card confirmed the code and the temperature was taken; a mismatch is never measured.
        Assert.Equal(36.6, results[0].Record!.ReportedTemperatureC);
        Assert.Null(results[1].Record!.Temperature);
    }

    [Fact]
    public async Task CardPathEveryRuleInOrderWithCodeRefOfTheDocRef()
    {
        using var world = new IdentityWorld(Path.Combine(_dir, "scenario"));
        var green = Person("王小明", 1980, 11);
        var (yellow, red, hot, away, noRecord, nextCard) = (Person("宋佳", 1982, 22), Person("林峰", 1977, 33), Person("黄渤", 1974, 44), Person("徐峥", 1972, 55), Person("周迅", 1974, 66), Person("赵薇", 1976, 77));
        foreach (var card in new[] { green, hot, away, nextCard })
        {
            world.Record(card);
        }

        world.Record(yellow, HealthColor.Yellow);
        world.Record(red, HealthColor.Red);
        var badCheck = green with { Number = green.Number[..17] + (green.Number[17] == '3' ? '4' : '3') };
        var otherBirth = green with { Birth = "19800102" };
        var path = world.Write("none",
        [
            Visitor(0, null, green, fault: "unreadable"),
            Visitor(30, null, green, flag: 'I'),
            Visitor(60, null, green, flag: 'J'),
            Visitor(90, null, green, flag: 'Y'),
            Visitor(120, null, badCheck),
            Visitor(150, null, otherBirth),
            Visitor(180, null, green with { ValidTo = "20261124" }), // 24 Nov in UTC, but already 25 Nov in China
            Visitor(210, null, green with { ValidTo = "20261125" }), // valid through today
            Visitor(240, null, noRecord),
            Visitor(270, null, yellow),
            Visitor(300, null, red),
            Visitor(330, null, hot, temperature: 38.9),
            Visitor(360, null, away, temperature: null),
            Visitor(390, null, green with { ValidTo = "长期" }),
            Visitor(420, null, noRecord),
            Visitor(421, null, nextCard), // steps up while the REFER is held: its card ends the hold
            Visitor(450, null, green with { ValidFrom = "20261126" }),
            Visitor(490, null, green), // after a feed message signed 6 minutes in the kiosk's future: its clock is behind
        ],
            futureBatchAt: 480);

        var (results, events) = await PlayAsync(path, _dir);

        AssertReasons(
            [
                "document_invalid", "document_invalid", "document_invalid", "document_invalid", "document_invalid", "document_invalid",
                "document_expired", "ok", "no_record", "health_status", "health_status", "temperature_high", "temperature_unavailable", "ok",
                "no_record", "ok", "document_expired", "clock_fault",
            ],
            results);
        Assert.All(events, ev => Assert.Equal("card", ev.GetProperty("via").GetString()));
        Assert.All(events, ev => Assert.Equal(JsonValueKind.Null, ev.GetProperty("issuer").ValueKind));

        // Not well-formed: no docRef, no codeRef. Well-formed: the codeRef of the docRef, the same for the same card.
        Assert.All(events.Take(6), ev => Assert.Equal(JsonValueKind.Null, ev.GetProperty("codeRef").ValueKind));
        var codeRefs = events.Skip(6).Select(ev => ev.GetProperty("codeRef").GetString()!).ToList();
        Assert.All(codeRefs, r => Assert.Matches("^[0-9a-f]{16}$", r));
        Assert.Equal(codeRefs[0], codeRefs[1]); // the same number, whatever its validity
        Assert.Equal(codeRefs[2], codeRefs[8]); // the same card, later

        // The second card ended the first one's REFER hold (8 s): it did not wait it out.
        var first = results[14].Record!;
        var second = results[15].Record!;
        Assert.True(second.DecidedAt < first.DecidedAt + TimeSpan.FromSeconds(8), Table(results));

        // Latency counts from the moment the reader found the card: about one read (0.88 s), or one read and the thermometer.
        Assert.InRange(results[8].Record!.Latency, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public async Task StaleColorDataCardPathRulesC1AndC3ComeFirstThenC4()
    {
        using var world = new IdentityWorld(Path.Combine(_dir, "scenario"));
        var green = Person("王小明", 1980, 11);
        world.Record(green);
        var path = world.Write("none",
        [
            Visitor(0, null, green, flag: 'I'),
            Visitor(30, null, green with { ValidTo = "20250101" }),
            Visitor(60, null, green),
        ],
            snapshotAge: TimeSpan.FromHours(30),
            heartbeat: false);

        var (results, _) = await PlayAsync(path, _dir);

        AssertReasons(["document_invalid", "document_expired", "color_data_stale"], results);
    }

    [Fact]
    public async Task KioskWithoutDocKeyRefersCodesAtOnceAndTreatsEveryCardAsNotReadable()
    {
        using var world = new IdentityWorld(Path.Combine(_dir, "scenario"), withDocKey: false);
        var holder = Person("王小明", 1980, 11);
        var path = world.Write("document",
        [
            Visitor(0, world.Code(holder), holder, cardAt: 0),
            Visitor(30, null, holder),
        ]);

        var (results, events) = await PlayAsync(path, _dir);

        AssertReasons(["identity_unconfirmed", "document_invalid"], results);
        Assert.True(results[0].Record!.Latency < TimeSpan.FromSeconds(1), Table(results));
        Assert.Equal(["code", "card"], events.Select(ev => ev.GetProperty("via").GetString()));
        Assert.Equal(JsonValueKind.Null, events[1].GetProperty("codeRef").ValueKind);
    }

    [Fact]
    public async Task NoneModeACodeWithACardIsDecidedAsACodeAndItsCardStartsNoCardPath()
    {
        using var world = new IdentityWorld(Path.Combine(_dir, "scenario"));
        var holder = Person("王小明", 1980, 11);
        world.Record(holder, HealthColor.Red);
        var path = world.Write("none",
        [
            Visitor(0, world.Code(holder), holder, cardAt: 0),
            Visitor(30, world.Code(null), holder, cardAt: 0.5),
        ]);

        var (results, events) = await PlayAsync(path, _dir);

        // The card's red record is never looked at on the code path.
        AssertReasons(["ok", "ok"], results);
        Assert.Equal(["code", "code"], events.Select(ev => ev.GetProperty("via").GetString()));
    }
}
