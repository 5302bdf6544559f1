using Kiosk.Colors;
using Kiosk.Core;
using Kiosk.Core.Configuration;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Kiosk.Service.Tests.Fleet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Mqtt;

/// <summary>Every link takes a list of brokers (mqtt.md) and a client id derived from the kiosk's id.</summary>
public sealed class BrokerListTests
{
    [Fact]
    public void EveryLinkTakesAListOfBrokersAndTheHostComesFirst()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Host"] = "fleet-0.example",
            ["Fleet:Port"] = "1884",
            ["Fleet:Hosts:0"] = "fleet-1.example:1885, fleet-2.example",
            ["Fleet:Hosts:1"] = "[::1]:1999",
            ["Fleet:Hosts:2"] = "fleet-0.example:1884",
            ["ColorFeed:Host"] = "localhost", // the shipped appsettings.json's default
            ["ColorFeed:Hosts:0"] = "10.0.0.1",
            ["ColorFeed:Hosts:1"] = "10.0.0.2:8884",
            ["ColorFeed:Tls"] = "true",
        }).Build();
        var fleet = configuration.GetSection(FleetOptions.Section).Get<FleetOptions>()!;
        var feed = configuration.GetSection(ColorFeedOptions.Section).Get<FeedLinkOptions>()!;

        Assert.Equal(
            [new("fleet-0.example", 1884), new("fleet-1.example", 1885), new("fleet-2.example", 1884), new BrokerEndpoint("::1", 1999)],
            fleet.Brokers);
        Assert.Equal("[::1]:1999", fleet.Brokers[3].ToString());
        Assert.True(fleet.HasBroker);

        // The feed's built-in localhost is not a broker of a configured list.
        Assert.Equal([new("10.0.0.1", 8883), new BrokerEndpoint("10.0.0.2", 8884)], feed.Brokers);
        Assert.Equal([new BrokerEndpoint("localhost", 1883)], new FeedLinkOptions().Brokers);
        Assert.False(new FleetOptions().HasBroker);
        Assert.Empty(SectionValidator<FleetOptions>.Check(FleetOptions.Section, fleet));
    }

    [Fact]
    public void ABadBrokerEntryProtocolOrClientIdIsOneLineNamingItsKey()
    {
        (BrokerLinkOptions Options, string Section, string Expected)[] bad =
        [
            (new FleetOptions { Hosts = ["good.example", "bad host!"] }, FleetOptions.Section, "Fleet:Hosts entry 'bad host!' is not a host name or address"),
            (new FleetOptions { Hosts = ["a.example:0"] }, FleetOptions.Section, "Fleet:Hosts entry 'a.example:0' has a port that is not 1 to 65535"),
            (new FleetOptions { Hosts = ["[::1"] }, FleetOptions.Section, "Fleet:Hosts entry '[::1' has '[' without ']'"),
            (new FleetOptions { Host = "a.example", Protocol = "4" }, FleetOptions.Section, "Fleet:Protocol must be \"5\" or \"3.1.1\""),
            (new FeedLinkOptions { Protocol = "3" }, ColorFeedOptions.Section, "ColorFeed:Protocol must be \"5\" or \"3.1.1\""),
            (new FeedLinkOptions { ClientId = "two words" }, ColorFeedOptions.Section, "ColorFeed:ClientId must be"),
            (new FeedLinkOptions { Host = string.Empty }, ColorFeedOptions.Section, "ColorFeed:Host (or ColorFeed:Hosts) is required"),
        ];
        foreach (var (options, section, expected) in bad)
        {
            var failures = SectionValidator<object>.Check(section, options).ToList();
            Assert.Single(failures);
            Assert.Contains(expected, failures[0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AfterAFailedOrEndedPeriodTheLoopMovesToTheNextBrokerOfTheList()
    {
        var time = new FakeTimeProvider();
        var options = new FleetOptions { Hosts = ["n0:1", "n1:2", "n2:3"], ReconnectMin = TimeSpan.FromSeconds(1), ReconnectMax = TimeSpan.FromSeconds(2) };
        var loop = new BrokerReconnectLoop("Fleet", options, time, NullLogger.Instance, new Random(1));
        using var stop = new CancellationTokenSource();
        var used = new List<string>();
        var run = loop.RunAsync(
            (broker, connected, _) =>
            {
                lock (used)
                {
                    used.Add(broker.ToString());
                }

                // n1 takes the connection, which then ends (the node died); the others refuse.
                if (broker.Host == "n1")
                {
                    connected();
                    return Task.FromResult("session ended");
                }

                return Task.FromException<string>(new IOException("refused"));
            },
            stop.Token);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await Poll.UntilAsync(() => loop.Attempts == attempt, $"attempt {attempt}");
            time.Advance(TimeSpan.FromSeconds(2));
        }

        await stop.CancelAsync();
        time.Advance(TimeSpan.FromSeconds(2));
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["n0:1", "n1:2", "n2:3", "n0:1", "n1:2"], used.Take(5));
        Assert.Equal(2, loop.Connections);
    }

    [Fact]
    public void TheFeedClientIdDerivesFromTheKioskIdAndAConfiguredOneWins()
    {
        static FeedLinkOptions Compose(string? clientId)
        {
            var settings = new Dictionary<string, string?> { ["Kiosk:KioskId"] = "gate-17", ["ColorFeed:Host"] = "feed.example" };
            if (clientId is not null)
            {
                settings["ColorFeed:ClientId"] = clientId;
            }

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var services = new ServiceCollection();
            services.AddSection<KioskOptions>(configuration, KioskOptions.Section);
            services.AddColorFeedLink(configuration);
            using var provider = services.BuildServiceProvider();
            return provider.GetRequiredService<IOptions<FeedLinkOptions>>().Value;
        }

        Assert.Equal("gate-17-feed", Compose(null).EffectiveClientId);
        Assert.Equal("feed-of-gate-17", Compose("feed-of-gate-17").EffectiveClientId);
        Assert.DoesNotContain(Environment.MachineName, new FeedLinkOptions().EffectiveClientId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFleetClientIdIsTheKioskIdUnlessConfigured()
    {
        using var data = new TempDirectory();
        await using (var kiosk = FleetTestKiosk.Create(1883, data.Path, kioskId: "gate-18"))
        {
            Assert.Equal("gate-18", kiosk.Connection.ClientId);
        }

        await using (var kiosk = FleetTestKiosk.Create(1883, data.Path, o => o.ClientId = "gate-18-fleet", kioskId: "gate-18"))
        {
            Assert.Equal("gate-18-fleet", kiosk.Connection.ClientId);
        }
    }

    [Fact]
    public async Task TheFleetConsoleTakesAListAndNamesEveryBrokerWhenNoneAnswers()
    {
        var first = MosquittoBroker.FreePort();
        var second = MosquittoBroker.FreePort();
        var result = await CliRunner.RunAsync("fleet", "status", "--mqtt", $"127.0.0.1:{first},127.0.0.1:{second}", "--timeout", "20");
        CliRunner.AssertOneLineError(result, $"cannot connect to the broker 127.0.0.1:{first}, 127.0.0.1:{second}");
        Assert.Contains("every other broker of the list failed", result.Error, StringComparison.Ordinal);
        CliRunner.AssertOneLineError(await CliRunner.RunAsync("fleet", "status", "--mqtt", "127.0.0.1:1883,nohost"), "--mqtt must be HOST:PORT");
    }
}
