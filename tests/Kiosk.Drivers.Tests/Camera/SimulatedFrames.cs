using Kiosk.Drivers.Camera;

namespace Kiosk.Drivers.Tests.Camera;

/// <summary>Frames of the simulated camera for pipeline tests.</summary>
internal static class SimulatedFrames
{
    // A health-code-sized payload: about as long as a signed HCN1 code.
    public static readonly string LongText = "HCN1:" + string.Concat(Enumerable.Range(0, 290).Select(i => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"[i * 7 % 45]));

    public static LumaFrame Frame(SimulatedScene scene, long index = 0, int width = 1280, int height = 720)
    {
        var renderer = new SimulatedSceneRenderer(width, height);
        var pixels = new byte[width * height];
        renderer.Render(scene, index, pixels);
        return new LumaFrame(pixels, width, height, width, DateTimeOffset.UnixEpoch, index);
    }
}
