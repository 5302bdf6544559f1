namespace Kiosk.FleetWeb;

/// <summary>What one server-sent event carries: the table body, the alerts list and the summary, as HTML.</summary>
/// <param name="Rows">The table's rows.</param>
/// <param name="Alerts">The alerts list's items.</param>
/// <param name="Summary">The summary line.</param>
public sealed record TableUpdate(string Rows, string Alerts, string Summary);
