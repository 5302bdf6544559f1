namespace Kiosk.Drivers.Gpio;

/// <summary>An on/off sequence for the buzzer: <see cref="Steps"/> alternate on, off, on, ... starting with on.</summary>
/// <param name="Name">Name for logs and tests.</param>
/// <param name="Steps">Durations; the first is a sound.</param>
public sealed record BuzzerPattern(string Name, IReadOnlyList<TimeSpan> Steps)
{
    /// <summary>PASS: one short beep.</summary>
    public static BuzzerPattern Pass { get; } = new("pass", [Ms(150)]);

    /// <summary>REFER: two long tones.</summary>
    public static BuzzerPattern Refer { get; } = new("refer", [Ms(450), Ms(200), Ms(450)]);

    /// <summary>Fault: five rapid chirps.</summary>
    public static BuzzerPattern Fault { get; } = new("fault", [Ms(80), Ms(80), Ms(80), Ms(80), Ms(80), Ms(80), Ms(80), Ms(80), Ms(80)]);

    /// <summary>Total length.</summary>
    public TimeSpan Duration => Steps.Aggregate(TimeSpan.Zero, (a, b) => a + b);

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);
}
