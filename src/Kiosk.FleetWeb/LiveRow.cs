using Kiosk.FleetConsole;

namespace Kiosk.FleetWeb;

/// <summary>A kiosk's row in the console's table.</summary>
/// <param name="Row">Its status (last known fields kept when lost).</param>
/// <param name="Pass">PASS over the last hour.</param>
/// <param name="Refer">REFER over the last hour.</param>
/// <param name="Reasons">REFER by reason (<c>reason:count …</c>, or <c>-</c>).</param>
public sealed record LiveRow(KioskStatusRow Row, int Pass, int Refer, string Reasons);
