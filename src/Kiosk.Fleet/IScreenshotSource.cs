namespace Kiosk.Fleet;

/// <summary>The current screen as a PNG, for the fleet <c>screenshot</c> command (the display implements it).</summary>
public interface IScreenshotSource
{
    /// <summary>PNG bytes of what the visitor sees now; null when there is no screen.</summary>
    byte[]? CapturePng();
}
