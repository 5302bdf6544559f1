using Kiosk.Colors;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Mqtt;

/// <summary>The one reconnect loop of both links, on a fake clock.</summary>
public sealed class BrokerReconnectLoopTests
{
    [Fact]
    public async Task FailuresBackOffAConnectionResetsTheBackOffStoppingEndsTheLoop()
    {
        var time = new FakeTimeProvider();
        var options = new FleetOptions { Host = "broker", ReconnectMin = TimeSpan.FromSeconds(1), ReconnectMax = TimeSpan.FromSeconds(8) };
        var loop = new BrokerReconnectLoop("Fleet", options, time, NullLogger.Instance, new Random(1));
        using var stop = new CancellationTokenSource();
        var periods = 0;
        var run = loop.RunAsync(
            (connected, _) =>
            {
                periods++;
                if (periods == 3)
                {
                    connected();
                    return Task.FromResult("lost");
                }

                return Task.FromException<string>(new IOException("refused"));
            },
            stop.Token);

        // Each failed period waits at most its cap (1 s, 2 s, ...) on the injected clock before the next one.
        await Poll.UntilAsync(() => loop.Attempts == 1, "the first attempt");
        for (var expected = 2; expected <= 5; expected++)
        {
            var before = loop.Attempts;
            time.Advance(TimeSpan.FromSeconds(8));
            await Poll.UntilAsync(() => loop.Attempts > before, $"attempt {expected}");
        }

        Assert.Equal(1, loop.Connections);
        Assert.Equal(loop.Attempts - 1, loop.FailedAttempts);
        await stop.CancelAsync();
        time.Advance(TimeSpan.FromMinutes(1));
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void BothLinksTakeTheSameBrokerKeys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Host"] = "fleet.example",
            ["Fleet:ReconnectMin"] = "00:00:02",
            ["ColorFeed:Host"] = "feed.example",
            ["ColorFeed:Port"] = "8884",
            ["ColorFeed:ReconnectMax"] = "00:00:30",
        }).Build();
        var fleet = configuration.GetSection(FleetOptions.Section).Get<FleetOptions>()!;
        var feed = configuration.GetSection(ColorFeedOptions.Section).Get<FeedLinkOptions>()!;
        Assert.Equal(("fleet.example", 1883, TimeSpan.FromSeconds(2)), (fleet.Host, fleet.EffectivePort, fleet.ReconnectMin));
        Assert.Equal(("feed.example", 8884, TimeSpan.FromSeconds(30)), (feed.Host, feed.EffectivePort, feed.ReconnectMax));
        Assert.Equal("localhost", new FeedLinkOptions().Host);
    }

    [Fact]
    public void TheFeedsEarlierKeyNamesAreRefusedWithTheirNewNames()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ColorFeed:BrokerHost"] = "feed.example",
            ["ColorFeed:Feed"] = "CN-HL",
        }).Build();
        var services = new ServiceCollection();
        services.AddColorFeedOptions(configuration);
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ColorFeedOptions>>().Value);
        Assert.Contains("ColorFeed:BrokerHost is removed: it is now ColorFeed:Host", error.Message);
    }
}
