namespace Kiosk.Fleet;

/// <summary>The fleet <c>restart</c> command: stop the process so that systemd starts it again (the host implements it).</summary>
public interface IKioskRestart
{
    /// <summary>Stops the kiosk cleanly (status <c>offline</c>) with an exit code that makes systemd restart it.</summary>
    void RequestRestart(string reason);
}
