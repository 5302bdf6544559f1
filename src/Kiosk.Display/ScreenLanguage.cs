namespace Kiosk.Display;

/// <summary>Which languages to draw.</summary>
public enum ScreenLanguage
{
    Both,
    Chinese,
    English,
}
