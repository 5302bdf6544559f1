namespace Kiosk.Service.Colors;

/// <summary>How an alert changed.</summary>
public enum AlertChange
{
    Raised,
    Cleared,
    Notified,
}
