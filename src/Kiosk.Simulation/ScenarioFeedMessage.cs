namespace Kiosk.Simulation;

/// <summary>A feed message of a scenario: raw COSE bytes, applied before the first visitor or at <see cref="AtSeconds"/>.
/// For a manifest folder (color-feed.md), <see cref="Bytes"/> is its <c>manifest.cose</c> and <see cref="Parts"/> its
/// parts in index order, served when the kiosk's fetch asks for them.</summary>
public sealed record ScenarioFeedMessage(string File, byte[] Bytes, double? AtSeconds, IReadOnlyList<byte[]>? Parts = null);
