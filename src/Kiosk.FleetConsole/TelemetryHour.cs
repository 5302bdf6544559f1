namespace Kiosk.FleetConsole;

/// <summary>
/// A kiosk's decisions over the hour before its telemetry: passes, refers, refers by reason, and the seqs of the first
/// and last decision its process counted. A decision event whose seq is in [<paramref name="FirstSeq"/>,
/// <paramref name="LastSeq"/>] is in these counts (when in the hour); any other is not.
/// </summary>
/// <param name="Pass">Passes.</param>
/// <param name="Refer">Refers.</param>
/// <param name="ReferByReason">Refers by reason.</param>
/// <param name="FirstSeq">Seq of the first decision the kiosk's process counted; null before any.</param>
/// <param name="LastSeq">Seq of the last one; null before any.</param>
public sealed record TelemetryHour(long Pass, long Refer, IReadOnlyDictionary<string, long> ReferByReason, long? FirstSeq, long? LastSeq)
{
    /// <summary>True when the decision event with <paramref name="seq"/> is already in these counts (if it is in the hour).</summary>
    public bool Covers(long? seq) => seq is { } s && FirstSeq is { } first && LastSeq is { } last && s >= first && s <= last;
}
