namespace Kiosk.Core.Checkpoint;

/// <summary>What the status line and the idle prompt need to know about the kiosk.</summary>
public interface IKioskStatus
{
    /// <summary>The status line at <paramref name="now"/>.</summary>
    StatusLine Line(DateTimeOffset now);

    /// <summary>The prompt when nobody is being served: idle, offline (stale data, clock) or fault.</summary>
    VisitorPrompt IdlePrompt(DateTimeOffset now);
}
