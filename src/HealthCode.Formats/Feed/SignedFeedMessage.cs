namespace HealthCode.Formats.Feed;

/// <summary>A signed feed message and what to call it in a message (its topic or file name).</summary>
/// <param name="Name">E.g. <c>hc/v1/trust</c>.</param>
/// <param name="Cose">The COSE_Sign1 bytes.</param>
public sealed record SignedFeedMessage(string Name, ReadOnlyMemory<byte> Cose);
