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
    public void Rule1_NotACode_RefersUnrecognized() =>
        Assert.Equal(Decision.Refer(Reason.CodeUnrecognized), Decide(Code(CodeVerdict.NotACode), clockFault: true, age: null));

    [Theory]
    [InlineData(CodeVerdict.Malformed)]
    [InlineData(CodeVerdict.Untrusted)]
    public void Rule2_MalformedOrUntrusted_RefersInvalid(CodeVerdict verdict) =>
        Assert.Equal(Decision.Refer(Reason.CodeInvalid), Decide(Code(verdict), clockFault: true));

    [Theory]
    [InlineData(CodeVerdict.Valid)]
    [InlineData(CodeVerdict.Expired)]
    [InlineData(CodeVerdict.NotYetValid)]
    public void Rule3_ClockFault_ComesBeforeValidity(CodeVerdict verdict) =>
        Assert.Equal(Decision.Refer(Reason.ClockFault), Decide(Code(verdict), clockFault: true));

    [Fact]
    public void Rule4_Expired() => Assert.Equal(Decision.Refer(Reason.CodeExpired), Decide(Code(CodeVerdict.Expired), age: TimeSpan.FromDays(10)));

    [Fact]
    public void Rule5_NotYetValid() => Assert.Equal(Decision.Refer(Reason.CodeNotYetValid), Decide(Code(CodeVerdict.NotYetValid), age: TimeSpan.FromDays(10)));

    [Fact]
    public void Rule6_NeverSynced_IsStale()
    {
        var early = CheckpointPolicy.DecideBeforeTemperature(Code(CodeVerdict.Valid), false, null, null, Defaults);
        Assert.Equal(Decision.Refer(Reason.ColorDataStale), early);
    }

    [Fact]
    public void Rule6_Boundary_ExactlyMaxAgeIsFresh_OneTickMoreIsStale()
    {
        Assert.Null(CheckpointPolicy.DecideBeforeTemperature(Code(CodeVerdict.Valid), false, Defaults.MaxColorDataAge, null, Defaults));
        Assert.Equal(
            Decision.Refer(Reason.ColorDataStale),
            CheckpointPolicy.DecideBeforeTemperature(Code(CodeVerdict.Valid), false, Defaults.MaxColorDataAge + TimeSpan.FromTicks(1), null, Defaults));
    }

    [Fact]
    public void Rule6_StaleComesBeforeColor() =>
        Assert.Equal(Decision.Refer(Reason.ColorDataStale), Decide(Code(CodeVerdict.Valid, HealthColor.Red), age: TimeSpan.FromDays(2)));

    [Theory]
    [InlineData(HealthColor.Yellow)]
    [InlineData(HealthColor.Red)]
    public void Rule7_CodeColorNotGreen_NoRecord_Refers(HealthColor color) =>
        Assert.Equal(Decision.Refer(Reason.HealthStatus), Decide(Code(CodeVerdict.Valid, color)));

    [Fact]
    public void Rule7_RecordNewerThanCode_Wins()
    {
        Assert.Equal(Decision.Refer(Reason.HealthStatus), Decide(Code(CodeVerdict.Valid, HealthColor.Green, ct: 1000), cached: (HealthColor.Red, 1001)));
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), Decide(Code(CodeVerdict.Valid, HealthColor.Red, ct: 1000), cached: (HealthColor.Green, 1001)));
    }

    [Fact]
    public void Rule7_Boundary_RecordWithEqualTime_Wins()
    {
        Assert.Equal(Decision.Refer(Reason.HealthStatus), Decide(Code(CodeVerdict.Valid, HealthColor.Green, ct: 1000), cached: (HealthColor.Yellow, 1000)));
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), Decide(Code(CodeVerdict.Valid, HealthColor.Yellow, ct: 1000), cached: (HealthColor.Green, 1000)));
    }

    [Fact]
    public void Rule7_CodeNewerThanRecord_Wins()
    {
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), Decide(Code(CodeVerdict.Valid, HealthColor.Green, ct: 1001), cached: (HealthColor.Red, 1000)));
        Assert.Equal(Decision.Refer(Reason.HealthStatus), Decide(Code(CodeVerdict.Valid, HealthColor.Red, ct: 1001), cached: (HealthColor.Green, 1000)));
    }

    [Fact]
    public void Rules1To7_NeedNoTemperature()
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
    public void Rule8_NoTemperature_RefersUnavailable()
    {
        Assert.Equal(Decision.Refer(Reason.TemperatureUnavailable), Decide(Code(CodeVerdict.Valid), temperature: TemperatureResult.Unavailable));
        Assert.Equal(Decision.Refer(Reason.TemperatureUnavailable), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(null, null, 22, Fault: true)));
    }

    [Fact]
    public void Rule9_Boundary_ThresholdIsFever_JustBelowPasses()
    {
        Assert.Equal(Decision.Refer(Reason.TemperatureHigh), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(37.3, 37.3, 22, false)));
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(37.29, null, 22, false)));
    }

    [Fact]
    public void Rule9_Retest_BelowThresholdPasses()
    {
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(37.8, 37.2, 22, false)));
        Assert.Equal(Decision.Refer(Reason.TemperatureHigh), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(37.8, 38.1, 22, false)));
    }

    [Fact]
    public void Rule9_HighFirstReading_WithoutRetest_StaysHigh() =>
        Assert.Equal(Decision.Refer(Reason.TemperatureHigh), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(38.0, null, 22, false)));

    [Fact]
    public void Rule9_ThresholdIsConfigurable()
    {
        var strict = Defaults with { FeverThresholdC = 37.0 };
        Assert.Equal(Decision.Refer(Reason.TemperatureHigh), CheckpointPolicy.DecideWithTemperature(new TemperatureResult(37.1, 37.1, 22, false), strict));
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), CheckpointPolicy.DecideWithTemperature(new TemperatureResult(37.1, 37.1, 22, false), Defaults));
    }

    [Fact]
    public void Rule10_Otherwise_Pass() =>
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), Decide(Code(CodeVerdict.Valid), temperature: new TemperatureResult(36.6, null, 22, false)));

    [Fact]
    public void ReasonNames_AreTheSpecsCodes() =>
        Assert.Equal(
            [
                "code_unrecognized", "code_invalid", "clock_fault", "code_expired", "code_not_yet_valid", "color_data_stale", "health_status",
                "identity_unconfirmed", "identity_mismatch", "temperature_unavailable", "temperature_high", "ok",
                "document_invalid", "document_expired", "no_record",
            ],
            PolicyNames.AllReasons.Select(PolicyNames.Of));
}
