using Kiosk.Drivers.Camera;

namespace Kiosk.Drivers.Tests.Camera;

/// <summary>The simulated sensor noise: the vectorised row gives exactly the plain loop's pixels.</summary>
public sealed class SensorNoiseTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(1280)]
    [InlineData(1283)]
    public void NoisyRowIsThePlainSumClampedTo0To255AtEveryLength(int length)
    {
        var random = new Random(length + 1);
        var source = new byte[length];
        var noise = new short[length];
        for (var i = 0; i < length; i++)
        {
            // Edges on purpose: black and white pixels with noise that pushes them past 0 and 255.
            source[i] = (i % 5) switch { 0 => 0, 1 => 255, _ => (byte)random.Next(256) };
            noise[i] = (short)random.Next(-300, 301);
        }

        var destination = new byte[length];
        SimulatedSceneRenderer.AddRow(source, noise, destination);

        for (var i = 0; i < length; i++)
        {
            Assert.Equal((byte)Math.Clamp(source[i] + noise[i], 0, 255), destination[i]);
        }
    }
}
