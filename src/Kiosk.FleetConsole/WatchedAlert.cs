namespace Kiosk.FleetConsole;

/// <summary>An alert as the watch lists it: no visitor data, only the kiosk, the kind and the technician's detail.</summary>
/// <param name="At">When the kiosk raised or cleared it.</param>
/// <param name="Kiosk"><c>site/kiosk</c>.</param>
/// <param name="Kind">Alert kind (mqtt.md).</param>
/// <param name="Active">Raised (true) or cleared.</param>
/// <param name="Detail">Technical detail.</param>
internal sealed record WatchedAlert(DateTimeOffset At, string Kiosk, string Kind, bool Active, string Detail);
