namespace Kiosk.Display;

/// <summary>The technician's status strip: time, connectivity, data freshness.</summary>
/// <param name="LocalTime">Wall time to show (already in the kiosk's display time zone).</param>
/// <param name="Online">Connected to the fleet broker.</param>
/// <param name="DataAge">Age of the color data as the technician reads it (<c>12 min</c>); null when never synced.</param>
/// <param name="KioskId">Kiosk id for the technician.</param>
public sealed record StatusStrip(DateTimeOffset LocalTime, bool Online, string? DataAge, string KioskId);
