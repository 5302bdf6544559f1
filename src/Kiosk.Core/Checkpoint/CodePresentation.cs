namespace Kiosk.Core.Checkpoint;

/// <summary>A code that came into view: decide it once.</summary>
/// <param name="Text">The QR text (never logged).</param>
/// <param name="SeenAt">When the first frame showing it was taken: latency is measured from here.</param>
internal readonly record struct CodePresentation(string Text, DateTimeOffset SeenAt);
