namespace Kiosk.Colors;

/// <summary>One alert event kept by <see cref="InMemoryAlerts"/>.</summary>
public sealed record AlertRecord(string Kind, string Detail, AlertChange Change);
