using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Fleet;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>Passes and refers since local midnight, across midnight and a restart.</summary>
public sealed class DailyOutcomesTests
{
    [Fact]
    public void TheDayStartsAtLocalMidnightAndItsCountsSurviveARestart()
    {
        using var data = new TempDirectory();
        var shanghai = TimeZoneInfo.CreateCustomTimeZone("UTC+8", TimeSpan.FromHours(8), "UTC+8", "UTC+8");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 15, 0, 0, TimeSpan.Zero)); // 23:00 local
        time.SetLocalTimeZone(shanghai);
        var counters = new DecisionCounters();
        var today = new DailyOutcomes(counters, time, data.Path);
        Count(counters, 3, Outcome.Pass);
        Count(counters, 1, Outcome.Refer);
        Assert.Equal((new DateOnly(2026, 5, 1), 3L, 1L), today.Current());

        time.Advance(TimeSpan.FromHours(1.5)); // 00:30 local, the next day
        Count(counters, 2, Outcome.Pass);
        Assert.Equal((new DateOnly(2026, 5, 2), 0L, 0L), today.Current()); // the day began at the first look after midnight
        Count(counters, 2, Outcome.Pass);
        Assert.Equal((new DateOnly(2026, 5, 2), 2L, 0L), today.Current());

        // A restart the same day carries the day's counts on.
        var restarted = new DailyOutcomes(new DecisionCounters(), time, data.Path);
        Assert.Equal((new DateOnly(2026, 5, 2), 2L, 0L), restarted.Current());

        // A damaged file only loses the day so far.
        File.WriteAllText(Path.Combine(data.Path, DailyOutcomes.FileName), "{not json");
        Assert.Equal((new DateOnly(2026, 5, 2), 0L, 0L), new DailyOutcomes(new DecisionCounters(), time, data.Path).Current());
    }

    private static void Count(DecisionCounters counters, int n, Outcome outcome)
    {
        for (var i = 0; i < n; i++)
        {
            var at = DateTimeOffset.UnixEpoch;
            counters.Count(new DecisionRecord(new Decision(outcome, outcome == Outcome.Pass ? Reason.Ok : Reason.HealthStatus), Decisions.Valid(at, new Decision(outcome, Reason.Ok)).Code, null, at, at));
        }
    }
}
