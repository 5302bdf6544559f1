
namespace Kiosk.Service.Hosting;

/// <summary>Says whether the checkpoint is making progress, for the systemd watchdog.</summary>
internal interface IKioskHealth
{
    /// <summary>Null when healthy, else why not (technical, data-free).</summary>
    string? Problem();
}
