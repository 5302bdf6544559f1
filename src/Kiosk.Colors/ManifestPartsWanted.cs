namespace Kiosk.Colors;

/// <summary>The parts a fetch wants next: the manifest's seq and the lowest missing indexes (at most the window).</summary>
/// <param name="Seq">The manifest's seq (the topic's <c>{seq}</c>).</param>
/// <param name="Parts">Missing part indexes, ascending.</param>
public sealed record ManifestPartsWanted(ulong Seq, IReadOnlyList<int> Parts);
