namespace Kiosk.Fleet;

/// <summary>The fleet <c>resync</c> command: drop the color state and wait for a snapshot (the color feed implements it).</summary>
public interface IColorResync
{
    /// <summary>Drops the local color state and completes when a snapshot has been applied (or throws when cancelled).</summary>
    Task ResyncAsync(CancellationToken cancellationToken);
}
