using Kiosk.Service.Checkpoint;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Kiosk.Service.Hosting;

/// <summary>Says whether the checkpoint is making progress, for the systemd watchdog.</summary>
public interface IKioskHealth
{
    /// <summary>Null when healthy, else why not (technical, data-free).</summary>
    string? Problem();
}
