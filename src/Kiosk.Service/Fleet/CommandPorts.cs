namespace Kiosk.Service.Fleet;

/// <summary>The current screen as a PNG, for the fleet <c>screenshot</c> command (the display implements it).</summary>
public interface IScreenshotSource
{
    /// <summary>PNG bytes of what the visitor sees now; null when there is no screen.</summary>
    byte[]? CapturePng();
}

/// <summary>The fleet <c>resync</c> command: drop the color state and wait for a snapshot (the color feed implements it).</summary>
public interface IColorResync
{
    /// <summary>Drops the local color state and completes when a snapshot has been applied (or throws when cancelled).</summary>
    Task ResyncAsync(CancellationToken cancellationToken);
}

/// <summary>The fleet <c>selftest</c> command: exercise every device and report (the host implements it).</summary>
public interface ISelfTest
{
    /// <summary>Device name → result text (e.g. <c>camera</c> → <c>ok</c>, <c>thermometer</c> → <c>fault: PEC mismatch</c>).</summary>
    Task<IReadOnlyDictionary<string, string>> RunAsync(CancellationToken cancellationToken);
}

/// <summary>The fleet <c>restart</c> command: stop the process so that systemd starts it again (the host implements it).</summary>
public interface IKioskRestart
{
    /// <summary>Stops the kiosk cleanly (status <c>offline</c>) with an exit code that makes systemd restart it.</summary>
    void RequestRestart(string reason);
}
