using Kiosk.Core.Configuration;
using Kiosk.Mqtt;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>Topic names of mqtt.md and option validation.</summary>
public sealed class FleetTopicsTests
{
    private readonly FleetTopics _topics = new("kiosk/v1", "site-a", "kiosk-01");

    [Fact]
    public void TopicsFollowTheSpec()
    {
        Assert.Equal("kiosk/v1/site-a/kiosk-01/status", _topics.Status);
        Assert.Equal("kiosk/v1/site-a/kiosk-01/telemetry", _topics.Telemetry);
        Assert.Equal("kiosk/v1/site-a/kiosk-01/event/decision", _topics.DecisionEvents);
        Assert.Equal("kiosk/v1/site-a/kiosk-01/event/alert", _topics.AlertEvents);
        Assert.Equal("kiosk/v1/site-a/kiosk-01/config/reported", _topics.ConfigReported);
        Assert.Equal("kiosk/v1/site-a/kiosk-01/config/desired", _topics.ConfigDesired);
        Assert.Equal("kiosk/v1/site-a/kiosk-01/cmd/+", _topics.CommandFilter);
        Assert.Equal("kiosk/v1/site-a/all/cmd/+", _topics.SiteCommandFilter);
        Assert.Equal("kiosk/v1/site-a/kiosk-01/cmd/ping/result", _topics.CommandResult("ping"));
    }

    [Theory]
    [InlineData("kiosk/v1/site-a/kiosk-01/cmd/ping", "ping")]
    [InlineData("kiosk/v1/site-a/all/cmd/open-gate", "open-gate")]
    [InlineData("kiosk/v1/site-a/kiosk-01/cmd/ping/result", null)]
    [InlineData("kiosk/v1/site-a/kiosk-02/cmd/ping", null)]
    [InlineData("kiosk/v1/site-b/all/cmd/ping", null)]
    [InlineData("kiosk/v1/site-a/kiosk-01/cmd/", null)]
    public void CommandTopicsAreRecognised(string topic, string? expected)
    {
        var ok = _topics.TryParseCommand(topic, out var name);
        Assert.Equal(expected is not null, ok);
        if (expected is not null)
        {
            Assert.Equal(expected, name);
        }
    }

    [Fact]
    public void OptionsValidationRejectsInconsistentSettings()
    {
        var validator = new SectionValidator<FleetOptions>(FleetOptions.Section);
        Assert.True(validator.Validate(null, new FleetOptions { Host = "broker.example" }).Succeeded);
        var bad = validator.Validate(null, new FleetOptions { Host = "bad host!", CaFile = "/nonexistent/ca.pem", Password = "x", ReconnectMin = TimeSpan.FromMinutes(5) });
        Assert.True(bad.Failed);
        Assert.Contains(bad.Failures!, f => f.Contains("ReconnectMin", StringComparison.Ordinal));
        Assert.Contains(bad.Failures!, f => f.Contains("CaFile", StringComparison.Ordinal));
        Assert.Contains(bad.Failures!, f => f.Contains("Username", StringComparison.Ordinal));
        Assert.Contains(bad.Failures!, f => f.Contains("Host", StringComparison.Ordinal));
        Assert.Equal(8883, new FleetOptions { Tls = true }.EffectivePort);
        Assert.Equal(1883, new FleetOptions().EffectivePort);
    }
}
