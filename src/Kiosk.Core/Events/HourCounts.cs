namespace Kiosk.Core.Events;

/// <summary>Decisions of the last hour: passes, refers, refers by reason, and the seqs of the first and last decision counted since start.</summary>
/// <param name="Pass">Passes.</param>
/// <param name="Refer">Refers.</param>
/// <param name="ReferByReason">Refers by reason (<c>checkpoint-policy.md</c>'s names).</param>
/// <param name="FirstSeq">The seq of the first decision counted since the process started; null before the first.</param>
/// <param name="LastSeq">The seq of the last decision counted since the process started; null before the first.</param>
public sealed record HourCounts(long Pass, long Refer, IReadOnlyDictionary<string, long> ReferByReason, long? FirstSeq, long? LastSeq);
