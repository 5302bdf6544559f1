using Kiosk.Display;

namespace Kiosk.Service.Checkpoint;

/// <summary>What the status strip and the idle screen need to know about the kiosk.</summary>
public interface IKioskStatus
{
    StatusStrip Strip(DateTimeOffset now);

    /// <summary>The screen to show when nobody is being served: idle, offline (stale data, clock) or fault.</summary>
    ScreenModel IdleScreen(DateTimeOffset now);
}
