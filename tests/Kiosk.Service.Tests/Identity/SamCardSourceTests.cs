using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Identity;
using Kiosk.Devices.Identity;
using Kiosk.Drivers.IdCard;
using Kiosk.Service.Tests.Temperature;
using Kiosk.Simulation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Tests.Identity;

/// <summary>
/// The card source as the kiosk runs it: the driver over the emulated module, polled in the simulation's virtual time
/// (every run also checks that no continuation came through the thread pool).
/// </summary>
public sealed class SamCardSourceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private static EmulatedIdCard Card { get; } = new("230102198001011236", "王小明", "19800101", "20200101", "长期")
    {
        Address = "黑龙江省哈尔滨市道里区安静街7号",
    };

    [Fact]
    public void SightingsFollowTheCardOnTheReader()
    {
        var world = new World();
        var sightings = world.Run(async next =>
        {
            var seen = new List<CardSighting> { await next() };
            world.Module.PlaceCard(Card);
            seen.Add(await next());
            seen.Add(await next());
            world.Module.RemoveCard();
            seen.Add(await next());
            world.Module.Fault = SamModuleFault.UnreadableCard;
            world.Module.PlaceCard(Card);
            seen.Add(await next());
            return seen;
        });

        Assert.Equal([CardReadKind.NoCard, CardReadKind.Read, CardReadKind.Read, CardReadKind.NoCard, CardReadKind.Unreadable], sightings.Select(s => s.Kind));
        var card = Assert.IsType<IdentityCard>(sightings[1].Card);
        Assert.Equal(("230102198001011236", "王小明", "19800101", "20200101", "长期", ' '), (card.Number, card.Name, card.Birth, card.ValidFrom, card.ValidTo, card.LayoutFlag));
        Assert.Equal("IdentityCard(redacted)", card.ToString());

        // FoundAt is when the module first answered 9F: a held card keeps it, and the read took about a second.
        Assert.Equal(sightings[1].FoundAt, sightings[2].FoundAt);
        Assert.InRange(sightings[1].At - sightings[1].FoundAt, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1.1));
        Assert.InRange(sightings[4].At - sightings[4].FoundAt, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6.5));
        Assert.All([sightings[0], sightings[3]], s => Assert.Null(s.Card));

        // Polls are PollInterval apart.
        Assert.InRange(sightings[1].FoundAt - sightings[0].At, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(300));
        Assert.Empty(world.Alerts.Calls);
    }

    [Fact]
    public void ASilentModuleRaisesCardReaderFaultAfterFaultAfterPollsAndClearsOnRecovery()
    {
        var world = new World();
        world.Module.Fault = SamModuleFault.Silence;
        var sightings = world.Run(async next =>
        {
            var seen = new List<(CardSighting Sighting, int Raised)>();
            for (var i = 0; i < 4; i++)
            {
                seen.Add((await next(), world.Alerts.Calls.Count));
            }

            world.Module.Fault = SamModuleFault.None;
            world.Module.PlaceCard(Card);
            seen.Add((await next(), world.Alerts.Calls.Count));
            seen.Add((await next(), world.Alerts.Calls.Count));
            return seen;
        });

        Assert.Equal(
            [CardReadKind.ReaderFault, CardReadKind.ReaderFault, CardReadKind.ReaderFault, CardReadKind.ReaderFault, CardReadKind.Read, CardReadKind.Read],
            sightings.Select(s => s.Sighting.Kind));
        Assert.Equal([0, 0, 1, 1, 2, 2], sightings.Select(s => s.Raised));
        Assert.Equal([("raise", AlertKinds.CardReaderFault), ("clear", AlertKinds.CardReaderFault)], world.Alerts.Calls.Select(c => (c.Call, c.Kind)));
        Assert.Contains("simulated SAM module", world.Alerts.Calls[0].Detail, StringComparison.Ordinal);
        Assert.Contains("no response", world.Alerts.Calls[0].Detail, StringComparison.Ordinal);
        Assert.Empty(world.Alerts.Active);

        // A silent poll lasts the response timeout.
        Assert.Equal(Start + TimeSpan.FromSeconds(2), sightings[0].Sighting.At);
    }

    [Theory]
    [InlineData(SamModuleFault.SelfTestFailed, "60")]
    [InlineData(SamModuleFault.NotAuthorised, "66")]
    public void AModuleFaultStatusIsAReaderFaultNeverACard(SamModuleFault fault, string status)
    {
        var world = new World(faultAfter: 2);
        world.Module.PlaceCard(Card);
        world.Module.Fault = fault;
        var sightings = world.Run(async next => new[] { await next(), await next() });

        Assert.All(sightings, s => Assert.Equal((CardReadKind.ReaderFault, (IdentityCard?)null), (s.Kind, s.Card)));
        Assert.Equal([AlertKinds.CardReaderFault], world.Alerts.Active);
        Assert.Contains($"status {status}", world.Alerts.Calls.Single().Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void OneBadFrameIsNotAFault()
    {
        var world = new World();
        var sightings = world.Run(async next =>
        {
            world.Module.InjectOnce(SamModuleFault.CorruptChecksum);
            var seen = new List<CardSighting> { await next() };
            world.Module.InjectOnce(SamModuleFault.CorruptChecksum);
            seen.Add(await next());
            seen.Add(await next());
            return seen;
        });

        Assert.Equal([CardReadKind.ReaderFault, CardReadKind.ReaderFault, CardReadKind.NoCard], sightings.Select(s => s.Kind));
        Assert.Empty(world.Alerts.Calls);
    }

    [Fact]
    public void ASerialDeviceThatCannotBeOpenedIsOneErrorLineNamingItThenAFault()
    {
        var logs = new CapturingLoggerProvider();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Identity:Port"] = "/dev/ttyKIOSKNOREADER",
        }).Build();
        var time = new VirtualTimeProvider(Start);
        var alerts = new RecordingAlerts();
        using var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<IAlerts>(alerts)
            .AddCardReader(configuration, DeviceMode.Hardware)
            .BuildServiceProvider();

        var reader = services.GetRequiredService<ICardReader>();
        Assert.Equal("/dev/ttyKIOSKNOREADER", Assert.IsType<SamCardSource>(reader).Device);
        var sightings = World.Run(time, reader, async next => new[] { await next(), await next(), await next(), await next() });

        Assert.All(sightings, s => Assert.Equal(CardReadKind.ReaderFault, s.Kind));
        var errors = logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).ToList();
        Assert.Single(errors);
        Assert.Contains("/dev/ttyKIOSKNOREADER", errors[0], StringComparison.Ordinal);
        Assert.Equal([AlertKinds.CardReaderFault], alerts.Active);
        Assert.Contains("/dev/ttyKIOSKNOREADER", alerts.Calls.Single().Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void APortThatFailsIsReopenedAtTheNextPoll()
    {
        var time = new VirtualTimeProvider(Start);
        using var module = new SamModuleEmulator(time);
        var opened = 0;
        var alerts = new RecordingAlerts();
        using var source = new SamCardSource(
            () =>
            {
                if (opened++ == 0)
                {
                    var vanished = new MemoryStream();
                    vanished.Dispose();
                    return new IdCardReader(vanished, time);
                }

                return new IdCardReader(module, time, null, module.DiscardInput, shouldDispose: false);
            },
            "/dev/ttyUSB0",
            alerts,
            time,
            Options.Create(new IdentityOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SamCardSource>.Instance);

        var sightings = World.Run(time, source, async next => new[] { await next(), await next() });

        Assert.Equal([CardReadKind.ReaderFault, CardReadKind.NoCard], sightings.Select(s => s.Kind));
        Assert.Equal(2, opened);
        Assert.Empty(alerts.Active);
    }

    [Fact]
    public void NoLogLineOrAlertCarriesCardData()
    {
        var world = new World(faultAfter: 1);
        world.Run(async next =>
        {
            world.Module.PlaceCard(Card);
            await next();
            world.Module.Fault = SamModuleFault.UnreadableCard;
            await next();
            world.Module.Fault = SamModuleFault.TruncatedFrame;
            await next();
            world.Module.Fault = SamModuleFault.None;
            await next();
            return 0;
        });

        var text = string.Join('\n', world.Logs.Lines.Concat(world.Alerts.Calls.Select(c => c.Detail)));
        Assert.NotEmpty(world.Logs.Lines);
        foreach (var secret in new[] { "230102198001011236", "198001011236", "王小明", "小明", "19800101", "20200101", "长期", "安静街" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OnHardwareWithoutAPortNoReaderIsRegistered()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Identity:Port"] = " " }).Build();
        using var services = new ServiceCollection().AddLogging().AddSingleton<IAlerts>(new RecordingAlerts())
            .AddCardReader(configuration, DeviceMode.Hardware).BuildServiceProvider();

        Assert.Null(services.GetService<ICardReader>());
        Assert.Null(services.GetService<SamModuleEmulator>());
        Assert.Equal(TimeSpan.FromSeconds(5), services.GetRequiredService<IOptions<IdentityOptions>>().Value.ReadTimeout);
    }

    [Fact]
    public void InSimulationTheReaderIsTheEmulatedModuleTheWorldCanPlaceCardsOn()
    {
        var configuration = new ConfigurationBuilder().Build();
        using var services = new ServiceCollection().AddLogging().AddSingleton<IAlerts>(new RecordingAlerts())
            .AddCardReader(configuration, DeviceMode.Simulated).BuildServiceProvider();

        var source = Assert.IsType<SamCardSource>(services.GetRequiredService<ICardReader>());
        Assert.Equal(Kiosk.Devices.Identity.IdentityServiceCollectionExtensions.SimulatedDevice, source.Device);
        Assert.Same(services.GetRequiredService<SamModuleEmulator>(), services.GetRequiredService<SamModuleEmulator>());
    }

    [Theory]
    [InlineData("Identity:FaultAfter", "0")]
    [InlineData("Identity:PollInterval", "00:00:00.001")]
    [InlineData("Identity:ReadTimeout", "00:10:00")]
    [InlineData("Identity:BaudRate", "300")]
    public void InvalidSettingsStopTheStart(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var services = new ServiceCollection().AddLogging().AddSingleton<IAlerts>(new RecordingAlerts())
            .AddCardReader(configuration, DeviceMode.Simulated).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(key.Split(':')[1], ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The emulated module, a source over it, alerts and logs, run in virtual time.</summary>
    private sealed class World
    {
        private readonly VirtualTimeProvider _time = new(Start);
        private readonly SamCardSource _source;

        public World(int faultAfter = 3)
        {
            Module = new SamModuleEmulator(_time);
            var options = new IdentityOptions { FaultAfter = faultAfter };
            var logger = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs)).CreateLogger<SamCardSource>();
            _source = new SamCardSource(
                () => new IdCardReader(Module, _time, SamCardSource.ReaderSettings(options), Module.DiscardInput, shouldDispose: false),
                Kiosk.Devices.Identity.IdentityServiceCollectionExtensions.SimulatedDevice,
                Alerts,
                _time,
                Options.Create(options),
                logger);
        }

        public SamModuleEmulator Module { get; }

        public RecordingAlerts Alerts { get; } = new();

        public CapturingLoggerProvider Logs { get; } = new();

        public T Run<T>(Func<Func<Task<CardSighting>>, Task<T>> main) => Run(_time, _source, main);

        /// <summary>Runs <paramref name="main"/> on a virtual-time loop with a "next sighting" function; no work may come through the thread pool.</summary>
        public static T Run<T>(VirtualTimeProvider time, ICardReader reader, Func<Func<Task<CardSighting>>, Task<T>> main)
        {
            var loop = new VirtualTimeLoop(time, TimeSpan.FromSeconds(5));
            var result = loop.Run(async () =>
            {
                await using var sightings = reader.ReadAsync(CancellationToken.None).GetAsyncEnumerator();
                return await main(async () =>
                {
                    Assert.True(await sightings.MoveNextAsync());
                    return sightings.Current;
                });
            });
            Assert.Equal(0, loop.ForeignPosts);
            return result;
        }
    }
}
