using HealthCode.Formats.Feed;
using Kiosk.Service.Colors;

namespace Kiosk.Service.Tests.Colors;

public sealed class ColorFeedOptionsTests
{
    [Fact]
    public void Valid_options_pass_and_each_bad_setting_is_named()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var good = new ColorFeedOptions { Feed = "CN-HL", AuthorityKey = AuthorityKey.ToBase64Spki(key) };
        var validator = new ColorFeedOptionsValidator();
        Assert.True(validator.Validate(null, good).Succeeded);
        Assert.Equal(["hc/v1/colors/snapshot", "hc/v1/colors/batch", "hc/v1/colors/heartbeat", "hc/v1/trust"], good.Topics);

        (ColorFeedOptions Options, string Expected)[] bad =
        [
            (new ColorFeedOptions { Feed = "", AuthorityKey = good.AuthorityKey }, "ColorFeed:Feed"),
            (new ColorFeedOptions { Feed = "CN-HL", AuthorityKey = "AAAA" }, "ColorFeed:AuthorityKey"),
            (new ColorFeedOptions { Feed = "CN-HL", AuthorityKey = good.AuthorityKey, Port = 70000 }, "Port"),
            (new ColorFeedOptions { Feed = "CN-HL", AuthorityKey = good.AuthorityKey, TopicPrefix = "hc/#/" }, "TopicPrefix"),
            (new ColorFeedOptions { Feed = "CN-HL", AuthorityKey = good.AuthorityKey, TopicPrefix = "hc" }, "TopicPrefix"),
            (new ColorFeedOptions { Feed = "CN-HL", AuthorityKey = good.AuthorityKey, DatabasePath = " " }, "DatabasePath"),
            (new ColorFeedOptions { Feed = "CN-HL", AuthorityKey = good.AuthorityKey, ReconnectMin = TimeSpan.FromSeconds(9), ReconnectMax = TimeSpan.FromSeconds(1) }, "ReconnectMin"),
        ];
        foreach (var (options, expected) in bad)
        {
            var result = validator.Validate(null, options);
            Assert.True(result.Failed);
            Assert.Contains(expected, result.FailureMessage);
        }
    }
}
