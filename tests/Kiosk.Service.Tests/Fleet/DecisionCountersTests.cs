using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>The decision counters behind telemetry's <c>counters</c> and <c>lastHour</c>.</summary>
public sealed class DecisionCountersTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheLastHourSlidesOnTheKiosksClockByEachDecisionsTimeAndNamesTheSeqsItCounted()
    {
        var time = new FakeTimeProvider(Start);
        var counters = new DecisionCounters(time);
        Assert.Equal((0L, 0L, (long?)null, (long?)null), Summary(counters.LastHour()));

        Count(counters, time, Outcome.Pass, Reason.Ok, seq: 10);
        time.Advance(TimeSpan.FromMinutes(20));
        Count(counters, time, Outcome.Refer, Reason.HealthStatus, seq: 11);
        Count(counters, time, Outcome.Refer, Reason.TemperatureHigh, seq: 13);
        time.Advance(TimeSpan.FromMinutes(20));
        Count(counters, time, Outcome.Pass, Reason.Ok, seq: 14);

        var hour = counters.LastHour();
        Assert.Equal((2L, 2L, (long?)10L, (long?)14L), Summary(hour));
        Assert.Equal(new Dictionary<string, long> { ["health_status"] = 1, ["temperature_high"] = 1 }, hour.ReferByReason);

        // 79 minutes after the first decision, its minute has left the hour; the seqs still name what was counted.
        time.Advance(TimeSpan.FromMinutes(39));
        hour = counters.LastHour();
        Assert.Equal((1L, 2L, (long?)10L, (long?)14L), Summary(hour));

        // A minute later, so have the refers' (decided 60 minutes before).
        time.Advance(TimeSpan.FromMinutes(1));
        hour = counters.LastHour();
        Assert.Equal((1L, 0L, (long?)10L, (long?)14L), Summary(hour));
        Assert.Empty(hour.ReferByReason);

        // The since-start counters are not windowed.
        Assert.Equal(2L, counters.Snapshot().ByOutcome["pass"]);
        Assert.Equal(2L, counters.Snapshot().ByOutcome["refer"]);

        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal((0L, 0L, (long?)10L, (long?)14L), Summary(counters.LastHour()));
    }

    [Fact]
    public void TheRecorderCountsEachDecisionWithItsEventsSeq()
    {
        var time = new FakeTimeProvider(Start);
        var counters = new DecisionCounters(time);
        var sequence = new InMemoryEventSequence();
        var recorder = new DecisionEventRecorder(sequence, [], new CodeRefHasher(FleetTestKioskSecret()), counters);

        var first = recorder.Create(Decisions.Pass(Start)).Seq;
        recorder.Report(Decisions.Pass(Start));
        recorder.Report(Decisions.Valid(Start, new Decision(Outcome.Refer, Reason.HealthStatus), HealthColor.Red));

        var hour = counters.LastHour();
        Assert.Equal((1L, 1L, (long?)(first + 1), (long?)(first + 2)), Summary(hour));
    }

    private static byte[] FleetTestKioskSecret() => Infrastructure.FleetTestKiosk.SiteSecret;

    private static (long Pass, long Refer, long? FirstSeq, long? LastSeq) Summary(HourCounts hour) => (hour.Pass, hour.Refer, hour.FirstSeq, hour.LastSeq);

    private static void Count(DecisionCounters counters, TimeProvider time, Outcome outcome, Reason reason, long seq)
    {
        var at = time.GetUtcNow();
        counters.Count(new DecisionRecord(new Decision(outcome, reason), Decisions.Valid(at, new Decision(outcome, Reason.Ok)).Code, null, at, at), seq);
    }
}
