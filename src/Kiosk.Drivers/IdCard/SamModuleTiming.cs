namespace Kiosk.Drivers.IdCard;

/// <summary>How long the emulated module takes to process each request before it starts to answer.</summary>
public sealed record SamModuleTiming
{
    /// <summary>Find a card (<c>20 01</c>), default 30 ms.</summary>
    public TimeSpan FindCard { get; init; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Select the card (<c>20 02</c>), default 30 ms.</summary>
    public TimeSpan SelectCard { get; init; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Read text and photo (<c>30 01</c>), default 880 ms (about 1 s with the reply's 1295 bytes on the line at 115200 baud).</summary>
    public TimeSpan ReadTextAndPhoto { get; init; } = TimeSpan.FromMilliseconds(880);

    /// <summary>Read the module's id (<c>12 FF</c>) and answer anything else, default 10 ms.</summary>
    public TimeSpan Other { get; init; } = TimeSpan.FromMilliseconds(10);
}
