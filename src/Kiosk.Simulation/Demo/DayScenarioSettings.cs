namespace Kiosk.Simulation.Demo;

/// <summary>What a day's scenario holds (<see cref="DayScenario.Create"/>).</summary>
internal sealed record DayScenarioSettings
{
    /// <summary>Visitors over the day, at least 3 (the stale-data visitor, the clock-fault visitor, the last one).</summary>
    public int Visitors { get; init; } = 5000;

    /// <summary>Length of the day in virtual time (traffic follows the hours of a day scaled to it).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromDays(1);

    /// <summary>A feed batch this often.</summary>
    public TimeSpan BatchEvery { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A full snapshot this often.</summary>
    public TimeSpan SnapshotEvery { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Records of people who do not come to this door, changed by the batches.</summary>
    public int BackgroundRecords { get; init; } = 2000;

    /// <summary>Background records a batch changes.</summary>
    public int ChangesPerBatch { get; init; } = 5;

    /// <summary>Seed of the traffic, the visitor mix and the feed's changes (keys are always fresh).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The start of the day (the kiosk's clock at the first visitor).</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
}
