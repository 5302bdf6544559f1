using HealthCode.Formats;
using Kiosk.Core.Checkpoint;

namespace Kiosk.Service.Tests.Checkpoint;

/// <summary>Every rule and every boundary of checkpoint-policy.md.</summary>
public sealed class CheckpointPolicyTests
{
    private static readonly PolicySettings Defaults = new();
    private static readonly CodeId Id = new(1, 2);
    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(5);

    private static VerifiedCode Code(CodeVerdict verdict, HealthColor color = HealthColor.Green, long ct = 1_000) =>
        verdict == CodeVerdict.NotACode
            ? VerifiedCode.NotACode
            : new VerifiedCode(verdict, "CN-HL", new HealthCodeClaim(Id, color, ct, "王*明", false));

    private static Decision Decide(VerifiedCode code, bool clockFault = false, TimeSpan? age = null, (HealthColor, long)? cached = null, TemperatureResult? temperature = null)
    {
        var early = CheckpointPolicy.DecideBeforeTemperature(code, clockFault, age ?? Fresh, cached, Defaults);
        return early ?? CheckpointPolicy.DecideWithTemperature(temperature ?? new TemperatureResult(36.6, null, 22, false), Defaults);
    }

    [Fact]
    public void Rule1NotACodeRefersUnrecognized() =>
        Assert.Equal(Decision.Refer(Reason.CodeUnrecognized), Decide(Code(CodeVerdict.NotACode), clockFault: true, age: null));

    [Theory]
    [InlineData(CodeVerdict.Malformed)]
    [InlineData(CodeVerdict.Untrusted)]
    public void Rule2MalformedOrUntrustedRefersInvalid(CodeVerdict verdict) =>
        Assert.Equal(Decision.Refer(Reason.CodeInvalid), Decide(Code(verdict), clockFault: true));

    [Theory]
    [InlineData(CodeVerdict.Valid)]
    [InlineData(CodeVerdict.Expired)]
    [InlineData(CodeVerdict.NotYetValid)]
    public void Rule3ClockFaultComesBeforeValidity(CodeVerdict verdict) =>
        Assert.Equal(Decision.Refer(Reason.ClockFault), Decide(Code(verdict), clockFault: true));

    [Fact]
    public void Rule4Expired() => Assert.Equal(Decision.Refer(Reason.CodeExpired), Decide(Code(CodeVerdict.Expired), age: TimeSpan.FromDays(10)));

    [Fact]
    public void Rule5NotYetValid() => Assert.Equal(Decision.Refer(Reason.CodeNotYetValid), Decide(Code(CodeVerdict.NotYetValid), age: TimeSpan.FromDays(10)));

    [Fact]
    public void Rule6NeverSyncedIsStale()
    {
        var early = CheckpointPolicy.DecideBeforeTemperature(Code(CodeVerdict.Valid), false, null, null, Defaults);
        Assert.Equal(Decision.Refer(Reason.ColorDataStale), early);
    }

    [Fact]
    public void Rule6BoundaryExactlyMaxAgeIsFreshOneTickMoreIsStale()
    {
        Assert.Null(CheckpointPolicy.DecideBeforeTemperature(Code(CodeVerdict.Valid), false, Defaults.MaxColorDataAge, null, Defaults));
        Assert.Equal(
            Decision.Refer(Reason.ColorDataStale),
            CheckpointPolicy.DecideBeforeTemperature(Code(CodeVerdict.Valid), false, Defaults.MaxColorDataAge + TimeSpan.FromTicks(1), null, Defaults));
    }

    [Fact]
    public void Rule6StaleComesBeforeColor() =>
        Assert.Equal(Decision.Refer(Reason.ColorDataStale), Decide(Code(CodeVerdict.Valid, HealthColor.Red), age: TimeSpan.FromDays(2)));

    [Theory]
    [InlineData(HealthColor.Yellow)]
    [InlineData(HealthColor.Red)]
    public void Rule7CodeColorNotGreenNoRecordRefers(HealthColor color) =>
        Assert.Equal(Decision.Refer(Reason.HealthStatus), Decide(Code(CodeVerdict.Valid, color)));

    [Fact]
    public void Rule7RecordNewerThanCodeWins()
    {
        Assert.Equal(Decision.Refer(Reason.HealthStatus), Decide(Code(CodeVerdict.Valid, HealthColor.Green, ct: 1000), cached: (HealthColor.Red, 1001)));
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), Decide(Code(CodeVerdict.Valid, HealthColor.Red, ct: 1000), cached: (HealthColor.Green, 1001)));
    }

    [Fact]
    public void Rule7BoundaryRecordWithEqualTimeWins()
    {
        Assert.Equal(Decision.Refer(Reason.HealthStatus), Decide(Code(CodeVerdict.Valid, HealthColor.Green, ct: 1000), cached: (HealthColor.Yellow, 1000)));
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), Decide(Code(CodeVerdict.Valid, HealthColor.Yellow, ct: 1000), cached: (HealthColor.Green, 1000)));
    }

    [Fact]
    public void Rule7CodeNewerThanRecordWins()
    {
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), Decide(Code(CodeVerdict.Valid, HealthColor.Green, ct: 1001), cached: (HealthColor.Red, 1000)));
        Assert.Equal(Decision.Refer(Reason.HealthStatus), Decide(Code(CodeVerdict.Valid, HealthColor.Red, ct: 1001), cached: (HealthColor.Green, 1000)));
    }

    [Fact]
    public void Rules1To7NeedNoTemperature()
    {
        foreach (var (code, age) in new[]
                 {
                     (Code(CodeVerdict.NotACode), Fresh),
                     (Code(CodeVerdict.Malformed), Fresh),
                     (Code(CodeVerdict.Expired), Fresh),
                     (Code(CodeVerdict.NotYetValid), Fresh),
                     (Code(CodeVerdict.Valid), TimeSpan.FromDays(3)),
                     (Code(CodeVerdict.Valid, HealthColor.Red), Fresh),
                 })
        {
            Assert.NotNull(CheckpointPolicy.DecideBeforeTemperature(code, false, age, null, Defaults));
        }

        Assert.Null(CheckpointPolicy.DecideBeforeTemperature(Code(CodeVerdict.Valid), false, Fresh, null, Defaults));
    }

    [Fact]
    public void Rule8NoTemperatureRefersUnavailable()
    {
        Assert.Equal(Decision.Refer(Reason.TemperatureUnavailable), Decide(Code(CodeVerdict.Valid), temperature: TemperatureResult.Unavailable));
        Assert.Equal(Decision.Refer(Reason.TemperatureUnavailable), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(null, null, 22, Fault: true)));
    }

    [Fact]
    public void Rule9BoundaryThresholdIsFeverJustBelowPasses()
    {
        Assert.Equal(Decision.Refer(Reason.TemperatureHigh), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(37.3, 37.3, 22, false)));
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(37.29, null, 22, false)));
    }

    [Fact]
    public void Rule9RetestBelowThresholdPasses()
    {
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(37.8, 37.2, 22, false)));
        Assert.Equal(Decision.Refer(Reason.TemperatureHigh), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(37.8, 38.1, 22, false)));
    }

    [Fact]
    public void Rule9HighFirstReadingWithoutRetestStaysHigh() =>
        Assert.Equal(Decision.Refer(Reason.TemperatureHigh), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(38.0, null, 22, false)));

    [Fact]
    public void Rule9ThresholdIsConfigurable()
    {
        var strict = Defaults with { FeverThresholdC = 37.0 };
        Assert.Equal(Decision.Refer(Reason.TemperatureHigh), CheckpointPolicy.DecideWithTemperature(new TemperatureResult(37.1, 37.1, 22, false), strict));
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), CheckpointPolicy.DecideWithTemperature(new TemperatureResult(37.1, 37.1, 22, false), Defaults));
    }

    [Fact]
    public void Rule10OtherwisePass() =>
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(36.6, null, 22, false)));

    [Fact]
    public void ReasonNamesAreTheSpecsCodes() =>
        Assert.Equal(
            [
                "code_unrecognized", "code_invalid", "clock_fault", "code_expired", "code_not_yet_valid", "color_data_stale", "health_status",
                "identity_unconfirmed", "identity_mismatch", "temperature_unavailable", "temperature_high", "ok",
                "document_invalid", "document_expired", "no_record",
            ],
            PolicyNames.AllReasons.Select(PolicyNames.Of));
}
