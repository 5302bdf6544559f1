namespace Kiosk.FleetWeb;

/// <summary>One operator action: who did what to which kiosk or site, when, and how it ended.</summary>
/// <param name="At">When.</param>
/// <param name="User">The signed-in user.</param>
/// <param name="Action">e.g. <c>open-gate</c>, <c>config</c>, <c>decommission</c>.</param>
/// <param name="Target"><c>site/kiosk</c> or <c>site/all</c>.</param>
/// <param name="Outcome">e.g. <c>ok</c>, <c>rejected: …</c>.</param>
public sealed record AuditEntry(DateTimeOffset At, string User, string Action, string Target, string Outcome);
