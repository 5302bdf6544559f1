namespace Kiosk.Core.Checkpoint;

/// <summary>One look at the camera: the QR text in view, or null when none.</summary>
public readonly record struct CodeSighting(DateTimeOffset At, string? Text);
