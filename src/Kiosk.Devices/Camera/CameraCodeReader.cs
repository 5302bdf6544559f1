using System.Runtime.CompilerServices;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Threading;
using Kiosk.Drivers.Camera;
using Kiosk.Drivers.QrDecoding;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Devices.Camera;

/// <summary>
/// The kiosk's <see cref="ICodeReader"/>: frames from the configured <see cref="IFrameSource"/> through the
/// <see cref="QrFrameDecoder"/>, one <see cref="CodeSighting"/> per frame (a frame skipped by motion gating, or one its
/// source marks as a <see cref="LumaFrame.Repeat"/> of the previous frame, repeats the previous sighting). A camera that throws <see cref="CameraFaultException"/>, ends, or delivers no frame for
/// <see cref="CameraOptions.StallTimeout"/> raises <c>camera_fault</c> and is reopened with exponential backoff on the
/// <see cref="TimeProvider"/>; the first frame after that clears the alert.
/// </summary>
public sealed partial class CameraCodeReader(
    IFrameSource source,
    IAlerts alerts,
    TimeProvider timeProvider,
    IOptions<CameraOptions> options,
    ILogger<CameraCodeReader> logger) : ICodeReader
{
    private readonly CameraOptions _options = options.Value;

    /// <summary>Frames decoded (not skipped) so far, for diagnostics.</summary>
    public long FramesDecoded { get; private set; }

    /// <inheritdoc />
    public async IAsyncEnumerable<CodeSighting> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var decoder = new QrFrameDecoder(timeProvider: timeProvider);
        var delay = _options.RetryInitialDelay;
        var faulted = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var frames = source.ReadFramesAsync(session.Token).GetAsyncEnumerator(session.Token);
            string? fault = null;
            string? text = null;
            var decodedOnce = false;
            try
            {
                while (true)
                {
                    LumaFrame frame;
                    try
                    {
                        if (!await InlineAwait.WithTimeout(frames.MoveNextAsync(), _options.StallTimeout, timeProvider, cancellationToken))
                        {
                            fault = "frame source ended";
                            break;
                        }

                        frame = frames.Current;
                    }
                    catch (CameraFaultException ex)
                    {
                        fault = ex.Message;
                        break;
                    }
                    catch (TimeoutException)
                    {
                        fault = $"no frame for {_options.StallTimeout.TotalSeconds:0.#} s (stalled)";
                        break;
                    }

                    if (faulted)
                    {
                        faulted = false;
                        delay = _options.RetryInitialDelay;
                        alerts.Clear(AlertKinds.CameraFault);
                        LogRecovered(logger, source.Name);
                    }

                    // The same pixels as the frame before (the simulated camera's still scene): the same text.
                    if (!frame.Repeat || !decodedOnce)
                    {
                        var result = decoder.Decode(frame);
                        if (!result.Unchanged)
                        {
                            FramesDecoded++;
                        }

                        text = result.Text;
                        decodedOnce = true;
                    }

                    yield return new CodeSighting(frame.Timestamp, text);
                }
            }
            finally
            {
                // Cancel, not CancelAsync: the callbacks run here, on the checkpoint thread, not through the thread pool.
                session.Cancel();
                await DisposeQuietlyAsync(frames);
            }

            cancellationToken.ThrowIfCancellationRequested();
            faulted = true;
            decoder.Reset();
            alerts.Raise(AlertKinds.CameraFault, $"{source.Name}: {fault}");
            LogFault(logger, source.Name, fault ?? "unknown", delay.TotalSeconds);
            await Task.Delay(delay, timeProvider, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.RetryMaxDelay.Ticks));
        }
    }

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<LumaFrame> frames)
    {
        try
        {
            await frames.DisposeAsync();
        }
        catch (Exception ex) when (ex is CameraFaultException or OperationCanceledException or InvalidOperationException or NotSupportedException)
        {
            // A source still inside MoveNextAsync (stalled) cannot be disposed yet; it was cancelled and ends by itself.
        }
    }

    [LoggerMessage(EventId = 4500, Level = LogLevel.Warning, Message = "camera {Source} fault: {Reason}; retrying in {DelaySeconds} s")]
    private static partial void LogFault(ILogger logger, string source, string reason, double delaySeconds);

    [LoggerMessage(EventId = 4501, Level = LogLevel.Information, Message = "camera {Source} recovered")]
    private static partial void LogRecovered(ILogger logger, string source);
}
