namespace Kiosk.Core.Checkpoint;

/// <summary>What the kiosk shows about itself beside every prompt: the time, the fleet link, the color data's age, its id.</summary>
/// <param name="At">When.</param>
/// <param name="Online">Whether the fleet link is up.</param>
/// <param name="ColorDataAge">How old the color data is; null when there is none.</param>
/// <param name="KioskId">The kiosk's id (<c>Kiosk:KioskId</c>).</param>
public sealed record StatusLine(DateTimeOffset At, bool Online, TimeSpan? ColorDataAge, string KioskId);
