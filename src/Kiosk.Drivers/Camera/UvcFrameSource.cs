using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Iot.Device.Media;

namespace Kiosk.Drivers.Camera;

/// <summary>
/// A USB UVC camera through V4L2 (<see cref="VideoDevice"/> of Iot.Device.Bindings) in YUYV 4:2:2, continuous capture;
/// the Y samples (every other byte) are copied into a pooled luminance plane, no colour conversion.
/// A device that cannot be opened or whose capture fails is a <see cref="CameraFaultException"/>; a capture that silently
/// stops is caught upstream by frame age. The binding offers no frame-rate control: the camera's default rate for the size applies.
/// </summary>
public sealed class UvcFrameSource(CameraOptions options, TimeProvider timeProvider) : IFrameSource
{
    private const int PoolSize = 4;

    /// <inheritdoc />
    public string Name => options.Device;

    /// <inheritdoc />
    public async IAsyncEnumerable<LumaFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var width = options.Width;
        var height = options.Height;
        var device = Open();
        var channel = Channel.CreateBounded<LumaFrame>(new BoundedChannelOptions(2) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });
        var pool = Enumerable.Range(0, PoolSize).Select(_ => new byte[width * height]).ToArray();
        long sequence = 0;
        void OnFrame(object sender, NewImageBufferReadyEventArgs e)
        {
            if (e.Length < width * height * 2)
            {
                return;
            }

            var buffer = pool[sequence % PoolSize];
            ExtractLuma(e.ImageBuffer, width, height, buffer);
            sequence++;
            channel.Writer.TryWrite(new LumaFrame(buffer, width, height, width, timeProvider.GetUtcNow(), sequence));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        device.NewImageBufferReady += OnFrame;
        var capture = Task.Run(() =>
        {
            try
            {
                device.StartCaptureContinuous();
                device.CaptureContinuous(stop.Token);
                channel.Writer.TryComplete(stop.IsCancellationRequested ? null : new CameraFaultException($"{options.Device}: capture ended"));
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                channel.Writer.TryComplete(new CameraFaultException($"{options.Device}: {ex.Message}", ex));
            }
        }, CancellationToken.None);

        try
        {
            await foreach (var frame in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return frame;
            }

            throw new CameraFaultException($"{options.Device}: capture ended");
        }
        finally
        {
            await stop.CancelAsync();
            device.NewImageBufferReady -= OnFrame;
            await capture;
            try
            {
                device.StopCaptureContinuous();
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                // The device is already gone.
            }

            device.Dispose();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The Y plane of a packed YUYV (Y0 U Y1 V) image.</summary>
    internal static void ExtractLuma(byte[] yuyv, int width, int height, byte[] luma)
    {
        var n = width * height;
        for (var i = 0; i < n; i++)
        {
            luma[i] = yuyv[2 * i];
        }
    }

    private VideoDevice Open()
    {
        if (!File.Exists(options.Device))
        {
            throw new CameraFaultException($"{options.Device}: no such device");
        }

        var name = Path.GetFileName(options.Device);
        if (!name.StartsWith("video", StringComparison.Ordinal) || !int.TryParse(name.AsSpan(5), out var busId))
        {
            throw new CameraFaultException($"{options.Device}: not a /dev/videoN device");
        }

        try
        {
            var device = VideoDevice.Create(new VideoConnectionSettings(busId, ((uint)options.Width, (uint)options.Height), VideoPixelFormat.YUYV));
            device.ImageBufferPoolingEnabled = true;
            return device;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CameraFaultException($"{options.Device}: cannot open: {ex.Message}", ex);
        }
    }
}
