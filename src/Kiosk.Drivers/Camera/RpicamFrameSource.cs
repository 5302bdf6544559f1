using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Kiosk.Drivers.Camera;

/// <summary>
/// The Raspberry Pi camera module through <c>rpicam-vid</c> (Bookworm; <c>libcamera-vid</c> on older systems)
/// streaming raw YUV 4:2:0 (I420) to stdout: <c>--codec yuv420 -o - -t 0 --width W --height H --framerate F --nopreview</c>.
/// Each frame's Y plane is read straight into a pooled buffer and the chroma planes are skipped; no colour conversion.
/// A process that dies after delivering frames is restarted at once; one that dies (or cannot start) before its first
/// frame is a <see cref="CameraFaultException"/>, and the caller retries with backoff.
/// </summary>
/// <remarks>rpicam-vid writes rows at the ISP's stride, so <see cref="CameraOptions.Width"/> must be a multiple of 64 (validated).</remarks>
public sealed class RpicamFrameSource(CameraOptions options, TimeProvider timeProvider) : IFrameSource
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
        var ySize = width * height;
        var chromaSize = 2 * (width / 2) * (height / 2);
        var pool = Enumerable.Range(0, PoolSize).Select(_ => new byte[ySize]).ToArray();
        var chroma = new byte[chromaSize];
        long sequence = 0;
        while (true)
        {
            using var process = Start();
            var framesThisRun = 0;
            var stderr = DrainStandardErrorAsync(process);
            try
            {
                var stdout = process.StandardOutput.BaseStream;
                while (true)
                {
                    var buffer = pool[sequence % PoolSize];
                    if (!await ReadFullyAsync(stdout, buffer, cancellationToken) ||
                        !await ReadFullyAsync(stdout, chroma, cancellationToken))
                    {
                        break;
                    }

                    framesThisRun++;
                    sequence++;
                    yield return new LumaFrame(buffer, width, height, width, timeProvider.GetUtcNow(), sequence);
                }
            }
            finally
            {
                Stop(process);
                await stderr;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (framesThisRun == 0)
            {
                var code = process.HasExited ? process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
                throw new CameraFaultException($"rpicam: {Path.GetFileName(process.StartInfo.FileName)} exited (code {code}) before the first frame: {_lastError ?? "no message"}");
            }

            // It ran and died (camera unplugged, ISP hiccup): restart straight away; a restart that yields nothing faults.
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

    private static async ValueTask<bool> ReadFullyAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
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
