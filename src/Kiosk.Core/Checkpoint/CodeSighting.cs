namespace Kiosk.Core.Checkpoint;

/// <summary>One look at the camera: the QR text in view, or null when none.</summary>
/// <param name="At">When the frame was captured.</param>
/// <param name="Text">The QR text read, or null.</param>
/// <param name="CodeSeen">No text was read, but a code was seen (its finder patterns: too far, blurred or moving). Never
/// set with a text. The aiming help (<see cref="AimingWatch"/>) follows it; it carries nothing of the code.</param>
public readonly record struct CodeSighting(DateTimeOffset At, string? Text, bool CodeSeen = false);
