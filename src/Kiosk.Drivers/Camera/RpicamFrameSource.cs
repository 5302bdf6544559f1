using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Kiosk.Drivers.Camera;

/// <summary>
/// The Raspberry Pi camera module through <c>rpicam-vid</c> (Bookworm; <c>libcamera-vid</c> on older systems)
/// streaming raw YUV 4:2:0 (I420) to stdout: <c>--codec yuv420 -o - -t 0 --width W --height H --framerate F --nopreview</c>.
/// Each frame's Y plane is read straight into a pooled buffer and the chroma planes are skipped; no colour conversion.
/// The pipe is read with blocking reads on a thread of its own (see <see cref="FramePump"/>): a frame costs the copy.
/// A process that dies after delivering frames is restarted at once; one that dies (or cannot start) before its first
/// frame is a <see cref="CameraFaultException"/>, and the caller retries with backoff.
/// </summary>
/// <remarks>rpicam-vid writes rows at the ISP's stride, so <see cref="CameraOptions.Width"/> must be a multiple of 64 (validated).</remarks>
public sealed partial class RpicamFrameSource(CameraOptions options, TimeProvider timeProvider) : IFrameSource
{
    private const int PoolSize = 4;
    private static readonly string[] DefaultCommands = ["rpicam-vid", "libcamera-vid"];
    private string? _lastError;

    /// <inheritdoc />
    public string Name => "rpicam";

    /// <summary>Processes started so far (restarts included).</summary>
    public int Starts { get; private set; }

    /// <summary>The command line arguments given to rpicam-vid.</summary>
    public IReadOnlyList<string> Arguments =>
    [
        "--codec", "yuv420", "-o", "-", "-t", "0",
        "--width", options.Width.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--height", options.Height.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--framerate", options.FramesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--nopreview",
    ];

    /// <inheritdoc />
    public async IAsyncEnumerable<LumaFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var width = options.Width;
        var height = options.Height;
        var free = new ConcurrentQueue<byte[]>(Enumerable.Range(0, PoolSize).Select(_ => new byte[width * height]));
        byte[]? held = null;
        long sequence = 0;
        while (true)
        {
            using var process = Start();
            var stderr = DrainStandardErrorAsync(process);
            // Synchronous continuations: the consumer (motion gate, decoder) runs on the pump's thread as the frame arrives,
            // with no thread-pool hop per frame; while it works the pump does not read, as with a plain sequential read.
            WidenPipe(process.StandardOutput.BaseStream, width * height * 3 / 2);
            var frames = Channel.CreateUnbounded<LumaFrame>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = false, AllowSynchronousContinuations = true });
            var reader = new FramePump(process.StandardOutput.BaseStream, width, height, free, frames, timeProvider, sequence);
            var thread = new Thread(reader.Run) { IsBackground = true, Name = "rpicam frames" };
            thread.Start();
            try
            {
                while (await frames.Reader.WaitToReadAsync(cancellationToken))
                {
                    while (frames.Reader.TryRead(out var frame))
                    {
                        // The frame handed out before this one is done with: its buffer goes back to the pump.
                        if (held is not null)
                        {
                            free.Enqueue(held);
                        }

                        held = frame.Pixels;
                        yield return frame;
                    }
                }
            }
            finally
            {
                Stop(process);
                if (Thread.CurrentThread != thread)
                {
                    // (On the pump's own thread, when the consumer stopped inline: the pump ends on its own once the pipe is closed.)
                    thread.Join();
                }

                await stderr;
                sequence = reader.Sequence;
                while (frames.Reader.TryRead(out var unread))
                {
                    free.Enqueue(unread.Pixels);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (reader.FramesRead == 0)
            {
                var code = process.HasExited ? process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
                throw new CameraFaultException($"rpicam: {Path.GetFileName(process.StartInfo.FileName)} exited (code {code}) before the first frame: {_lastError ?? "no message"}");
            }

            // It ran and died (camera unplugged, ISP hiccup): restart straight away; a restart that yields nothing faults.
        }
    }

    /// <summary>
    /// Reads frames from the pipe on its own thread with blocking reads. Async reads of a pipe complete through the
    /// thread pool once per pipe-buffer's worth (64 KB: over 20 hand-offs per 720p frame) and cost several times the copy
    /// itself; here a frame costs the copy and one hand-off. The Y plane goes into a free pooled buffer, the chroma planes
    /// into one scratch buffer. When every buffer is taken (the consumer is slower than the camera) the oldest waiting frame
    /// is dropped for the new one: a consumer that hands a frame on to other threads always gets the freshest picture.
    /// </summary>
    private sealed class FramePump(Stream stdout, int width, int height, ConcurrentQueue<byte[]> free, Channel<LumaFrame> frames, TimeProvider timeProvider, long sequence)
    {
        private readonly byte[] _chroma = new byte[2 * (width / 2) * (height / 2)];

        public long Sequence => Interlocked.Read(ref sequence);

        public int FramesRead { get; private set; }

        public void Run()
        {
            try
            {
                while (true)
                {
                    if (!free.TryDequeue(out var buffer))
                    {
                        buffer = frames.Reader.TryRead(out var stale) ? stale.Pixels : new byte[width * height];
                    }

                    if (!ReadFully(buffer, width * height) || !ReadFully(_chroma, _chroma.Length))
                    {
                        free.Enqueue(buffer);
                        break;
                    }

                    FramesRead++;
                    var seq = Interlocked.Increment(ref sequence);
                    frames.Writer.TryWrite(new LumaFrame(buffer, width, height, width, timeProvider.GetUtcNow(), seq));
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The process was stopped under the read: the stream is over.
            }
            finally
            {
                frames.Writer.TryComplete();
            }
        }

        private bool ReadFully(byte[] buffer, int count)
        {
            var read = 0;
            while (read < count)
            {
                var n = stdout.Read(buffer, read, count - read);
                if (n == 0)
                {
                    return false;
                }

                read += n;
            }

            return true;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The command to run: the configured path, else the first of rpicam-vid, libcamera-vid on PATH.</summary>
    public string ResolveCommand()
    {
        if (!string.IsNullOrWhiteSpace(options.RpicamCommand))
        {
            return options.RpicamCommand;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var name in DefaultCommands)
        {
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new CameraFaultException("rpicam: neither rpicam-vid nor libcamera-vid found on PATH");
    }

    private Process Start()
    {
        var info = new ProcessStartInfo(ResolveCommand())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            var process = Process.Start(info) ?? throw new CameraFaultException($"rpicam: could not start {info.FileName}");
            Starts++;
            return process;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new CameraFaultException($"rpicam: could not start {info.FileName}: {ex.Message}", ex);
        }
    }

    private async Task DrainStandardErrorAsync(Process process)
    {
        try
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    _lastError = line.Length > 200 ? line[..200] : line;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone; nothing more to read.
        }
    }

    // Linux: a pipe holds 64 KB, so a 720p frame wakes reader and writer over 20 times each. Asks the kernel for a pipe
    // that holds a whole frame (F_SETPIPE_SZ; an unprivileged process gets up to /proc/sys/fs/pipe-max-size, 1 MB by
    // default, and tries that when more is refused). Best effort: the stream works the same either way.
    private static void WidenPipe(Stream stdout, int frameBytes)
    {
        if (!OperatingSystem.IsLinux() || stdout is not System.IO.Pipes.PipeStream pipe)
        {
            return;
        }

        const int setPipeSize = 1031; // F_SETPIPE_SZ
        var fd = (int)pipe.SafePipeHandle.DangerousGetHandle();
        for (var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)frameBytes); size >= 1 << 20; size /= 2)
        {
            if (PipeNative.Fcntl(fd, setPipeSize, size) >= 0)
            {
                return;
            }
        }
    }

    private static partial class PipeNative
    {
        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
        internal static partial int Fcntl(int fd, int command, int argument);
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(2000);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }
}
