namespace Kiosk.Fleet;

/// <summary>The fleet <c>resync</c> command (mqtt.md): fetch the newest snapshot or manifest whatever its seq, deciding on the
/// current state until the switch (the color feed implements it).</summary>
public interface IColorResync
{
    /// <summary>Requests the fetch (kept on disk until a snapshot or manifest is applied) and completes once requested;
    /// the color state is not dropped.</summary>
    Task ResyncAsync(CancellationToken cancellationToken);
}
