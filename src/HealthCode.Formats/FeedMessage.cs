namespace HealthCode.Formats;

/// <summary>A verified message of the color feed (<c>color-feed.md</c>).</summary>
/// <param name="At">When the authority produced it (epoch seconds on the wire).</param>
public abstract record FeedMessage(DateTimeOffset At);
