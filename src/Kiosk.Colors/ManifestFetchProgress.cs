namespace Kiosk.Colors;

/// <summary>The kept manifest and how far its fetch has got (color-feed.md rules 9 and 10).</summary>
/// <param name="Seq">The manifest's seq.</param>
/// <param name="PartsTotal">The parts it lists.</param>
/// <param name="PartsVerified">The parts verified and kept on disk.</param>
/// <param name="Active">True while its parts are fetched (never synced, <c>resync</c>, or out of sync for <c>SnapshotAfter</c>);
/// false while the manifest is only kept (batches may still close the gap).</param>
public sealed record ManifestFetchProgress(ulong Seq, int PartsTotal, int PartsVerified, bool Active);
