using Kiosk.Devices.Temperature;

namespace Kiosk.Service.Tests.Temperature;

public class RobustAverageTests
{
    [Fact]
    public void DropsOutliersAndAveragesTheRest()
    {
        double[] samples = [34.10, 34.12, 36.90, 34.08, 34.11, 31.20, 34.09];
        Assert.True(RobustAverage.TryMean(samples, 3.0, 0.15, 5, out var mean, out var kept));
        Assert.Equal(5, kept);
        Assert.Equal(34.10, mean, 9);
    }

    [Fact]
    public void IdenticalSamplesKeepTheBandFloor()
    {
        double[] samples = [34.10, 34.10, 34.10, 34.12, 34.10];
        Assert.True(RobustAverage.TryMean(samples, 3.0, 0.15, 5, out _, out var kept));
        Assert.Equal(5, kept);
    }

    [Fact]
    public void TooFewAgreeingSamplesFail()
    {
        double[] samples = [33.0, 34.0, 35.0, 36.0, 37.0];
        Assert.False(RobustAverage.TryMean(samples, 1.0, 0.15, 5, out _, out var kept));
        Assert.True(kept < 5);
    }

    [Fact]
    public void MedianOfEvenCount()
    {
        Assert.Equal(2.5, RobustAverage.Median([4.0, 1.0, 2.0, 3.0]));
    }
}
