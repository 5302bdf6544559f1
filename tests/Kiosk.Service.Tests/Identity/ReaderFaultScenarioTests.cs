using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using Kiosk.Drivers.IdCard;
using Kiosk.Simulation.Demo;
using Microsoft.Extensions.DependencyInjection;

using static Kiosk.Service.Tests.Identity.IdentityWorld;

namespace Kiosk.Service.Tests.Identity;

/// <summary>
/// Reader faults at the byte level (the emulated SAM module) while scenarios play: garbage on the line, a frame cut
/// short, silence (an unplugged reader), <c>60</c> and <c>66</c>, <c>41</c> in the middle of a read. A fault never
/// lets anyone pass on a card the kiosk did not read whole and check, never makes a decision of its own, raises
/// <c>card_reader_fault</c>, and the kiosk keeps deciding codes meanwhile; once it clears, cards are read again.
/// </summary>
public sealed class ReaderFaultScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("reader-fault-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<SamModuleFault> ModuleFaults => new(SamModuleFault.CorruptChecksum, SamModuleFault.TruncatedFrame, SamModuleFault.Silence, SamModuleFault.SelfTestFailed, SamModuleFault.NotAuthorised);

    [Theory]
    [MemberData(nameof(ModuleFaults))]
    public async Task AFaultyReaderDecidesNoCardRaisesTheFaultAndCodesAreStillDecided(SamModuleFault fault)
    {
        using var world = new IdentityWorld(Path.Combine(_dir, "scenario"));
        var stranger = DemoCard.Of("王小明", new DateOnly(1980, 1, 1), 11);
        var visitor = DemoCard.Of("陈晨", new DateOnly(1999, 9, 9), 22);
        world.Record(stranger);
        world.Record(visitor);
        var path = world.Write("none",
        [
            Visitor(0, world.Code(null), null),
            Visitor(30, world.Code(null), null),
            Visitor(70, null, visitor),
        ]);
        var faultSeen = false;

        var (results, events) = await IdentityScenarioTests.PlayAsync(path, _dir, async (services, done) =>
        {
            // From the first second the module is faulty and a card with a green record lies on it; at 60 s the card is
            // taken away and the module works again.
            var module = services.GetRequiredService<SamModuleEmulator>();
            var alerts = services.GetRequiredService<IAlerts>();
            var time = services.GetRequiredService<TimeProvider>();
            await Task.Delay(TimeSpan.FromSeconds(1), time, done);
            module.Fault = fault;
            module.PlaceCard(new EmulatedIdCard(stranger.Number, stranger.Name, stranger.Birth, "20200101", stranger.ValidTo));
            await Task.Delay(TimeSpan.FromSeconds(55), time, done);
            faultSeen = alerts.Active.Contains(AlertKinds.CardReaderFault);
            module.RemoveCard();
            module.Fault = SamModuleFault.None;
        });

        Assert.Equal(["ok", "ok", "ok"], results.Select(r => PolicyNames.Of(r.Record!.Decision.Reason)));
        Assert.Equal(["code", "code", "card"], events.Select(e => e.GetProperty("via").GetString()));
        Assert.True(faultSeen, "card_reader_fault was not raised");
    }

    [Fact]
    public async Task A41InTheMiddleOfAReadIsRetriedAndTheCardIsDecidedOnceFromWhenItWasFound()
    {
        using var world = new IdentityWorld(Path.Combine(_dir, "scenario"));
        var card = DemoCard.Of("王小明", new DateOnly(1980, 1, 1), 11);
        world.Record(card);
        var path = world.Write("none", [Visitor(0, null, card, cardAt: 1)]);

        var (results, events) = await IdentityScenarioTests.PlayAsync(path, _dir, (services, _) =>
        {
            services.GetRequiredService<SamModuleEmulator>().InjectOnce(SamModuleFault.UnreadableCard, SamCommand.ReadTextAndPhoto);
            return Task.CompletedTask;
        });

        var record = Assert.Single(results).Record!;
        Assert.Equal(Reason.Ok, record.Decision.Reason);
        Assert.Single(events);

        // Two reads (the failed one and the whole one) and the thermometer, counted from the first 9F.
        Assert.True(record.Latency > TimeSpan.FromSeconds(1.76), $"latency {record.Latency}");
    }

    [Fact]
    public async Task DocumentModeACardTakenAwayMidReadNeverConfirmsTheCode()
    {
        using var world = new IdentityWorld(Path.Combine(_dir, "scenario"));
        var holder = DemoCard.Of("王小明", new DateOnly(1980, 1, 1), 11);
        var path = world.Write("document", [Visitor(0, world.Code(holder), holder, cardAt: 2)]);

        var (results, _) = await IdentityScenarioTests.PlayAsync(path, _dir, (services, _) =>
        {
            // The read of the holder's card answers 41 and the card leaves the reader half way through it.
            services.GetRequiredService<SamModuleEmulator>().InjectOnce(SamModuleFault.CardRemovedMidRead, SamCommand.ReadTextAndPhoto);
            return Task.CompletedTask;
        });

        Assert.Equal(Reason.IdentityUnconfirmed, Assert.Single(results).Record!.Decision.Reason);
    }

    [Fact]
    public async Task DocumentModeAFaultyReaderConfirmsNoCodeAndCardsReadAgainAfterwards()
    {
        using var world = new IdentityWorld(Path.Combine(_dir, "scenario"));
        var holder = DemoCard.Of("王小明", new DateOnly(1980, 1, 1), 11);
        var path = world.Write("document",
        [
            Visitor(0, world.Code(holder), holder, cardAt: 2),
            Visitor(40, world.Code(holder), holder, cardAt: 2),
        ]);

        var (results, _) = await IdentityScenarioTests.PlayAsync(path, _dir, async (services, done) =>
        {
            var module = services.GetRequiredService<SamModuleEmulator>();
            module.Fault = SamModuleFault.SelfTestFailed;
            await Task.Delay(TimeSpan.FromSeconds(30), services.GetRequiredService<TimeProvider>(), done);
            module.Fault = SamModuleFault.None;
        });

        Assert.Equal([Reason.IdentityUnconfirmed, Reason.Ok], results.Select(r => r.Record!.Decision.Reason));
    }
}
