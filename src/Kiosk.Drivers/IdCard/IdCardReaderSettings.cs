namespace Kiosk.Drivers.IdCard;

/// <summary>Timing of an <see cref="IdCardReader"/>.</summary>
public sealed record IdCardReaderSettings
{
    /// <summary>A request whose whole response has not arrived within this time is a transfer error (default 2 s).</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A card found (<c>9F</c>) must be read whole within this time of being found, else it is unreadable (default 5 s).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause before another find → select → read after a failed read of a found card (default 100 ms).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);
}
