using Kiosk.Drivers.Camera;
using Kiosk.Drivers.QrDecoding;

namespace Kiosk.Drivers.Tests.Camera;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class RpicamFrameSourceTests
{
    private static CameraOptions Options(string command) => new()
    {
        Source = CameraSourceKind.RpiCam, Width = 640, Height = 480, FramesPerSecond = 10, RpicamCommand = command,
    };

    [Fact]
    public async Task ReadsYPlanesRestartsADeadProcessAndFaultsWhenItDiesAtOnce()
    {
        using var fake = new FakeRpicam(new SimulatedScene.QrText("via rpicam"), 640, 480, 2, 1, 0);
        var source = new RpicamFrameSource(Options(fake.Command), TimeProvider.System);
        var frames = new List<LumaFrame>();
        var fault = await Assert.ThrowsAsync<CameraFaultException>(async () =>
        {
            await foreach (var frame in source.ReadFramesAsync(CancellationToken.None))
            {
                Assert.Equal(fake.Luma, frame.Pixels);
                frames.Add(frame);
            }
        });

        Assert.Equal(3, frames.Count);
        Assert.Equal([1L, 2L, 3L], frames.Select(f => f.Sequence));
        Assert.Equal(3, fake.Runs);
        Assert.Contains("camera unplugged", fault.Message);
        Assert.Equal("--codec yuv420 -o - -t 0 --width 640 --height 480 --framerate 10 --nopreview", fake.Arguments);
        Assert.Equal("via rpicam", new QrFrameDecoder().Decode(frames[0]).Text);
    }

    [Fact]
    public async Task MissingCommandIsACameraFault()
    {
        var source = new RpicamFrameSource(Options("/nonexistent/rpicam-vid"), TimeProvider.System);
        await Assert.ThrowsAsync<CameraFaultException>(async () =>
        {
            await foreach (var unused in source.ReadFramesAsync(CancellationToken.None))
            {
                Assert.Fail("no frame expected");
            }
        });
    }

    [Fact]
    public void OptionsRejectWidthsRpicamWouldPad()
    {
        var options = Options("x");
        options.Width = 650;
        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        Assert.Contains(errors, e => e.ErrorMessage!.Contains("multiple of 64"));
    }

    [Fact]
    public void YuyvLumaIsEveryOtherByte()
    {
        var yuyv = new byte[] { 10, 128, 20, 129, 30, 130, 40, 131 };
        var luma = new byte[4];
        UvcFrameSource.ExtractLuma(yuyv, 2, 2, luma);
        Assert.Equal(new byte[] { 10, 20, 30, 40 }, luma);
    }

    [Fact]
    public async Task MissingUvcDeviceIsACameraFault()
    {
        var source = new UvcFrameSource(new CameraOptions { Device = "/dev/video-none-77" }, TimeProvider.System);
        await Assert.ThrowsAsync<CameraFaultException>(async () =>
        {
            await foreach (var unused in source.ReadFramesAsync(CancellationToken.None))
            {
                Assert.Fail("no frame expected");
            }
        });
    }
}
