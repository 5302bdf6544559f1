namespace HealthCode.Formats;

/// <summary>Color of a health code (claim <c>c</c>): 0 green, 1 yellow, 2 red. Never shown, never logged.</summary>
public enum HealthColor : byte
{
    Green = 0,
    Yellow = 1,
    Red = 2,
}
