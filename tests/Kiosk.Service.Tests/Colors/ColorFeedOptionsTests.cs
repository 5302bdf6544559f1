using HealthCode.Formats.Feed;
using Kiosk.Colors;
using Kiosk.Core.Configuration;
using Kiosk.Fleet;

namespace Kiosk.Service.Tests.Colors;

public sealed class ColorFeedOptionsTests
{
    [Fact]
    public void ValidOptionsPassAndEachBadSettingIsNamed()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var good = new ColorFeedOptions { Feed = "CN-HL", AuthorityKey = AuthorityKey.ToBase64Spki(key) };
        var validator = new SectionValidator<ColorFeedOptions>(ColorFeedOptions.Section);
        Assert.True(validator.Validate(null, good).Succeeded);

        (ColorFeedOptions Options, string Expected)[] bad =
        [
            (new ColorFeedOptions { Feed = "", AuthorityKey = good.AuthorityKey }, "ColorFeed:Feed"),
            (new ColorFeedOptions { Feed = "CN-HL", AuthorityKey = "AAAA" }, "ColorFeed:AuthorityKey"),
            (new ColorFeedOptions { Feed = "CN-HL", AuthorityKey = good.AuthorityKey, DatabasePath = " " }, "DatabasePath"),
            (new ColorFeedOptions { Feed = "CN-HL", AuthorityKey = good.AuthorityKey, MaxPacketBytes = 1000 }, "MaxPacketBytes"),
            (new ColorFeedOptions { Feed = "CN-HL", AuthorityKey = good.AuthorityKey, SnapshotAfter = TimeSpan.FromMinutes(-1) }, "ColorFeed:SnapshotAfter"),
            (new ColorFeedOptions { Feed = "CN-HL", AuthorityKey = good.AuthorityKey, SnapshotAfter = TimeSpan.FromDays(8) }, "ColorFeed:SnapshotAfter"),
        ];
        foreach (var (options, expected) in bad)
        {
            var result = validator.Validate(null, options);
            Assert.True(result.Failed);
            Assert.Contains(expected, result.FailureMessage);
        }
    }

    [Fact]
    public void TheFeedLinksBrokerKeysAreCheckedWithItsTopics()
    {
        var link = new SectionValidator<FeedLinkOptions>(ColorFeedOptions.Section);
        Assert.True(link.Validate(null, new FeedLinkOptions()).Succeeded);
        Assert.Equal(["hc/v1/colors/snapshot", "hc/v1/colors/batch", "hc/v1/colors/heartbeat", "hc/v1/trust"], new FeedLinkOptions().Topics);
        Assert.Equal(TimeSpan.FromMinutes(10), new ColorFeedOptions().SnapshotAfter);
        Assert.Equal(8, new FeedLinkOptions().PartWindow);
        Assert.Equal("hc/v1/colors/snapshot/12/3", new FeedLinkOptions().PartTopic(12, 3));
        Assert.True(new FeedLinkOptions().TryParsePartTopic("hc/v1/colors/snapshot/12/3", out var seq, out var index));
        Assert.Equal((12UL, 3L), (seq, index));
        Assert.False(new FeedLinkOptions().TryParsePartTopic("hc/v1/colors/snapshot", out _, out _));
        Assert.False(new FeedLinkOptions().TryParsePartTopic("hc/v1/colors/snapshot/-1/3", out _, out _));
        Assert.False(new FeedLinkOptions().TryParsePartTopic("hc/v1/colors/snapshot/1/3/4", out _, out _));
        (FeedLinkOptions Options, string Expected)[] bad =
        [
            (new FeedLinkOptions { Port = 70000 }, "ColorFeed:Port"),
            (new FeedLinkOptions { TopicPrefix = "hc/#/" }, "ColorFeed:TopicPrefix"),
            (new FeedLinkOptions { TopicPrefix = "hc" }, "ColorFeed:TopicPrefix"),
            (new FeedLinkOptions { ReconnectMin = TimeSpan.FromSeconds(9), ReconnectMax = TimeSpan.FromSeconds(1) }, "ColorFeed:ReconnectMin"),
            (new FeedLinkOptions { Host = "" }, "ColorFeed:Host"),
            (new FeedLinkOptions { PartWindow = 0 }, "ColorFeed:PartWindow"),
            (new FeedLinkOptions { PartWindow = 1000 }, "ColorFeed:PartWindow"),
            (new FeedLinkOptions { PartTimeout = TimeSpan.Zero }, "ColorFeed:PartTimeout"),
            (new FeedLinkOptions { PartRetryMin = TimeSpan.Zero }, "ColorFeed:PartRetryMin"),
        ];
        foreach (var (options, expected) in bad)
        {
            var result = link.Validate(null, options);
            Assert.True(result.Failed);
            Assert.Contains(expected, result.FailureMessage);
        }
    }
}
