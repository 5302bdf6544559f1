using Microsoft.Extensions.Options;

namespace Kiosk.Core.Checkpoint;

/// <summary>The status strip and the idle screen from the alerts, the color data and connectivity.</summary>
public sealed class KioskStatus : IKioskStatus
{
    private readonly IAlerts _alerts;
    private readonly IColorStore _colors;
    private readonly Connectivity _connectivity;
    private readonly IOptionsMonitor<CheckpointOptions> _checkpoint;
    private readonly string _kioskId;
    private readonly bool _hasCardReader;

    /// <param name="alerts">The alerts in force.</param>
    /// <param name="colors">The color data (its freshness).</param>
    /// <param name="connectivity">The fleet link's state.</param>
    /// <param name="checkpoint">The checkpoint settings.</param>
    /// <param name="kioskId">The kiosk id shown in the strip (the host passes <c>Kiosk:KioskId</c>; the checkpoint knows no hosting).</param>
    /// <param name="hasCardReader">Whether an ID card reader is configured: the idle screen then offers it.</param>
    public KioskStatus(IAlerts alerts, IColorStore colors, Connectivity connectivity, IOptionsMonitor<CheckpointOptions> checkpoint, string kioskId, bool hasCardReader = false)
    {
        _alerts = alerts;
        _colors = colors;
        _connectivity = connectivity;
        _checkpoint = checkpoint;
        _kioskId = kioskId;
        _hasCardReader = hasCardReader;
    }

    public StatusLine Line(DateTimeOffset now) =>
        new(now, _connectivity.Online, _colors.State.FreshnessAt(now), _kioskId);

    public VisitorPrompt IdlePrompt(DateTimeOffset now)
    {
        var strip = Line(now);
        var active = _alerts.Active;
        if (active.Contains(AlertKinds.CameraFault))
        {
            return new VisitorPrompt(PromptKind.Fault, strip, Detail: "camera");
        }

        if (active.Contains(AlertKinds.ThermometerFault))
        {
            return new VisitorPrompt(PromptKind.Fault, strip, Detail: "thermometer");
        }

        var options = _checkpoint.CurrentValue;
        var state = _colors.State;
        if (FeedClock.IsBehind(now, state.LatestSignedAt, options.ClockSkew))
        {
            return new VisitorPrompt(PromptKind.Offline, strip, Detail: "clock");
        }

        if (ColorDataFreshness.IsStale(state.FreshnessAt(now), options.MaxColorDataAge))
        {
            return new VisitorPrompt(PromptKind.Offline, strip, Detail: "data");
        }

        // A faulty reader is not offered (codes are still served); it is offered again once the fault clears.
        return new VisitorPrompt(PromptKind.Idle, strip, OffersCard: _hasCardReader && !active.Contains(AlertKinds.CardReaderFault));
    }
}
