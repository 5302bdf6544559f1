namespace Kiosk.Service.Colors;

/// <summary>
/// Exponential backoff with "equal jitter": the n-th retry waits between half and all of
/// min(max, first · 2^n), so a fleet that lost its broker at one instant does not come back at one instant.
/// </summary>
public sealed class ReconnectBackoff(TimeSpan first, TimeSpan max, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _attempt;

    /// <summary>Failed attempts since the last success.</summary>
    public int Attempt => _attempt;

    /// <summary>The delay before the next attempt; each call counts one more failure.</summary>
    public TimeSpan Next()
    {
        var exponent = Math.Min(_attempt, 30);
        _attempt++;
        var ceiling = Math.Min(max.TotalMilliseconds, first.TotalMilliseconds * Math.Pow(2, exponent));
        var half = ceiling / 2;
        return TimeSpan.FromMilliseconds(half + (_random.NextDouble() * half));
    }

    /// <summary>A connection succeeded: start again from the first delay.</summary>
    public void Reset() => _attempt = 0;
}
