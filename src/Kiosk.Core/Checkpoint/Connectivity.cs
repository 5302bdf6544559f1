namespace Kiosk.Core.Checkpoint;

/// <summary>Connectivity to the fleet broker, set by the fleet client.</summary>
public sealed class Connectivity
{
    private volatile bool _online;

    public bool Online
    {
        get => _online;
        set => _online = value;
    }
}
