namespace HealthCode.Formats;

/// <summary>"Nothing changed up to <paramref name="Seq"/> as of <see cref="FeedMessage.At"/>."</summary>
public sealed record HeartbeatMessage(string Feed, ulong Seq, DateTimeOffset At) : FeedMessage(At);
