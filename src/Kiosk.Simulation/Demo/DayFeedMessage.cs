namespace Kiosk.Simulation.Demo;

/// <summary>One feed message of a day: its file, when it arrives (null: before the first visitor), and its seq (batches and snapshots).</summary>
internal sealed record DayFeedMessage(string File, double? AtSeconds, ulong? Seq);
