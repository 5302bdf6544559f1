namespace Kiosk.Display;

/// <summary>A line of text in both languages.</summary>
/// <param name="Zh">Simplified Chinese.</param>
/// <param name="En">English.</param>
public readonly record struct Bilingual(string Zh, string En);
