using System.Reflection;

namespace Kiosk.Mqtt;

/// <summary>This process as the fleet sees it: a new <see cref="BootId"/> per start, the software version, the uptime.</summary>
public sealed class FleetIdentity
{
    private readonly TimeProvider _time;
    private readonly long _started;

    /// <summary>Creates the identity (one per process).</summary>
    public FleetIdentity(TimeProvider time)
    {
        _time = time;
        _started = time.GetTimestamp();
        BootId = Guid.NewGuid();
        var assembly = typeof(FleetIdentity).Assembly;
        Version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
    }

    /// <summary>A new UUID per process start.</summary>
    public Guid BootId { get; }

    /// <summary>The kiosk software version.</summary>
    public string Version { get; }

    /// <summary>Time since the process started (by the injected clock).</summary>
    public TimeSpan Uptime => _time.GetElapsedTime(_started);
}
