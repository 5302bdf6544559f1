namespace Kiosk.Colors;

/// <summary>How an alert changed.</summary>
public enum AlertChange
{
    Raised,
    Cleared,
    Notified,
}
