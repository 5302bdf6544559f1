using Kiosk.Core.Checkpoint;

namespace Kiosk.Service.Tests.Checkpoint;

public sealed class DuplicateSuppressorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static CodeSighting At(double seconds, string? text) => new(T0.AddSeconds(seconds), text);

    [Fact]
    public void SameCodeHeldInViewIsPresentedOnce()
    {
        var suppressor = new DuplicateSuppressor(TimeSpan.FromSeconds(1));
        var presented = Enumerable.Range(0, 90).Select(i => suppressor.Observe(At(i / 30.0, "A"))).Count(p => p is not null);
        Assert.Equal(1, presented);
    }

    [Fact]
    public void ShortDropoutDoesNotCountAsLeaving()
    {
        var suppressor = new DuplicateSuppressor(TimeSpan.FromSeconds(1));
        Assert.NotNull(suppressor.Observe(At(0, "A")));
        Assert.Null(suppressor.Observe(At(0.5, null)));
        Assert.Null(suppressor.Observe(At(0.9, null)));
        Assert.Null(suppressor.Observe(At(1.0, "A")));
    }

    [Fact]
    public void SameCodeAfterLeavingViewIsPresentedAgain()
    {
        var suppressor = new DuplicateSuppressor(TimeSpan.FromSeconds(1));
        Assert.NotNull(suppressor.Observe(At(0, "A")));
        Assert.Null(suppressor.Observe(At(1.0, null)));
        Assert.False(suppressor.HasCodeInView);
        var again = suppressor.Observe(At(1.1, "A"));
        Assert.NotNull(again);
        Assert.Equal(T0.AddSeconds(1.1), again.Value.SeenAt);
    }

    [Fact]
    public void NewCodeIsPresentedAtOnce()
    {
        var suppressor = new DuplicateSuppressor(TimeSpan.FromSeconds(1));
        Assert.NotNull(suppressor.Observe(At(0, "A")));
        Assert.Equal("B", suppressor.Observe(At(0.1, "B"))?.Text);
        Assert.True(suppressor.IsInView("B"));
        Assert.False(suppressor.IsInView("A"));
    }

    [Fact]
    public void KeysOtherThanQrTextFollowTheSameRule()
    {
        // The card pump keys a card by its number: held, it is presented once; away for goneAfter, again.
        var suppressor = new DuplicateSuppressor(TimeSpan.FromSeconds(1));
        Assert.True(suppressor.Observe(T0, "230102198001011236"));
        Assert.False(suppressor.Observe(T0.AddSeconds(1.2), "230102198001011236"));
        Assert.Equal("230102198001011236", suppressor.InView);
        Assert.False(suppressor.Observe(T0.AddSeconds(1.5), null));
        Assert.False(suppressor.Observe(T0.AddSeconds(2.1), "230102198001011236"));
        Assert.False(suppressor.Observe(T0.AddSeconds(3.1), null));
        Assert.Null(suppressor.InView);
        Assert.True(suppressor.Observe(T0.AddSeconds(3.2), "230102198001011236"));
        Assert.True(suppressor.Observe(T0.AddSeconds(3.3), "230103199909095055"));
    }
}
