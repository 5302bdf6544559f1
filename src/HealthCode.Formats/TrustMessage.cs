namespace HealthCode.Formats;

/// <summary>A signed trust list of issuer keys, with the docKey of ID cards when the message carries one (<see cref="TrustList.DocKey"/>).</summary>
public sealed record TrustMessage(DateTimeOffset At, TrustList Trust) : FeedMessage(At);
