namespace Kiosk.Service.Tests.Infrastructure;

/// <summary>Waiting for something a real broker or process does: a guard against hanging, not a timing assertion.</summary>
internal static class Poll
{
    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {seconds} s for {what}");
            }

            await Task.Delay(20);
        }
    }
}
