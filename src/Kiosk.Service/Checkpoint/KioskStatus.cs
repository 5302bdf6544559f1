using Kiosk.Display;
using Kiosk.Service.Hosting;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Checkpoint;

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

/// <summary>The status strip and the idle screen from the alerts, the color data and connectivity.</summary>
public sealed class KioskStatus : IKioskStatus
{
    private readonly IAlerts _alerts;
    private readonly IColorStore _colors;
    private readonly Connectivity _connectivity;
    private readonly IOptionsMonitor<CheckpointOptions> _checkpoint;
    private readonly IOptions<KioskOptions> _kiosk;
    private readonly bool _hasCardReader;

    /// <param name="alerts">Active alerts.</param>
    /// <param name="colors">Color data freshness and signed time.</param>
    /// <param name="connectivity">The fleet link.</param>
    /// <param name="checkpoint">Section <c>Checkpoint</c>.</param>
    /// <param name="kiosk">Section <c>Kiosk</c>.</param>
    /// <param name="cardReader">The ID card reader, when one is configured: the idle screen then offers it.</param>
    public KioskStatus(IAlerts alerts, IColorStore colors, Connectivity connectivity, IOptionsMonitor<CheckpointOptions> checkpoint, IOptions<KioskOptions> kiosk, ICardReader? cardReader = null)
    {
        _alerts = alerts;
        _colors = colors;
        _connectivity = connectivity;
        _checkpoint = checkpoint;
        _kiosk = kiosk;
        _hasCardReader = cardReader is not null;
    }

    public StatusStrip Strip(DateTimeOffset now) =>
        new(now, _connectivity.Online, _colors.State.FreshnessAt(now), _kiosk.Value.KioskId);

    public ScreenModel IdleScreen(DateTimeOffset now)
    {
        var strip = Strip(now);
        var active = _alerts.Active;
        if (active.Contains(AlertKinds.CameraFault))
        {
            return new ScreenModel(ScreenKind.Fault, strip, Detail: "camera");
        }

        if (active.Contains(AlertKinds.ThermometerFault))
        {
            return new ScreenModel(ScreenKind.Fault, strip, Detail: "thermometer");
        }

        var options = _checkpoint.CurrentValue;
        var state = _colors.State;
        if (state.LatestSignedAt is { } latest && now < latest - options.ClockSkew)
        {
            return new ScreenModel(ScreenKind.Offline, strip, Detail: "clock");
        }

        if (state.FreshnessAt(now) is not { } age || age > options.MaxColorDataAge)
        {
            return new ScreenModel(ScreenKind.Offline, strip, Detail: "data");
        }

        // A faulty reader is not offered (codes are still served); it is offered again once the fault clears.
        return new ScreenModel(ScreenKind.Idle, strip, OffersCard: _hasCardReader && !active.Contains(AlertKinds.CardReaderFault));
    }
}
