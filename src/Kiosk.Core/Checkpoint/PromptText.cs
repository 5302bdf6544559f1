namespace Kiosk.Core.Checkpoint;

/// <summary>A sentence of a prompt in the kiosk's two languages.</summary>
/// <param name="Zh">Simplified Chinese (Mandarin).</param>
/// <param name="En">English.</param>
public readonly record struct PromptText(string Zh, string En);
