namespace Kiosk.Drivers.Audio;

/// <summary>One clip the simulated sink played.</summary>
/// <param name="Number">1, 2, ... in order of playing.</param>
/// <param name="Name">The clip's name (e.g. <c>pass.zh</c>).</param>
/// <param name="At">When it started (the injected clock: virtual time in a scenario).</param>
/// <param name="Length">The clip's full length.</param>
/// <param name="Heard">How much of it played (less than <paramref name="Length"/> when cut).</param>
/// <param name="Cut">Cut short by the next prompt.</param>
/// <param name="File">The WAV written of what was heard, when recording.</param>
public sealed record PlayedClip(int Number, string Name, DateTimeOffset At, TimeSpan Length, TimeSpan Heard, bool Cut, string? File);
