namespace Kiosk.Simulation;

/// <summary>A feed message of a scenario: raw COSE bytes, applied before the first visitor or at <see cref="AtSeconds"/>.</summary>
public sealed record ScenarioFeedMessage(string File, byte[] Bytes, double? AtSeconds);
