using Kiosk.Core;

namespace Kiosk.Service.Tests.Core;

public sealed class AgeTextTests
{
    [Theory]
    [InlineData(-5, "0 s")]
    [InlineData(0, "0 s")]
    [InlineData(59, "59 s")]
    [InlineData(600, "10 min")]
    [InlineData(7200, "2 h")]
    [InlineData(3 * 86400, "3 d")]
    public void DataAgeIsShortForTheTechnician(int seconds, string expected) =>
        Assert.Equal(expected, AgeText.Short(TimeSpan.FromSeconds(seconds)));
}
