using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using Kiosk.Drivers.IdCard;
using Microsoft.Win32.SafeHandles;

namespace Kiosk.Drivers.Tests.IdCard;

/// <summary>
/// A Linux pseudo-terminal with a <see cref="SamModuleEmulator"/> on its master side: the slave (<see cref="Path"/>)
/// is a real serial device node for <see cref="IdCardReader.OpenSerial"/>, so the driver's hardware path
/// (System.IO.Ports, termios, cancellation of a pending read) runs against the emulated module.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class PseudoTerminal : IDisposable
{
    private const int ReadWrite = 2;
    private const int NoControllingTerminal = 0x100;

    private readonly FileStream _fromHost;
    private readonly FileStream _toHost;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _output;

    public PseudoTerminal(SamModuleEmulator module)
    {
        var master = posix_openpt(ReadWrite | NoControllingTerminal);
        if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
        {
            throw new IOException($"no pseudo-terminal (errno {Marshal.GetLastPInvokeError()})");
        }

        var name = new byte[128];
        if (ptsname_r(master, name, name.Length) != 0)
        {
            throw new IOException($"ptsname_r failed (errno {Marshal.GetLastPInvokeError()})");
        }

        Path = Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0));
        _fromHost = new FileStream(new SafeFileHandle(master, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        _toHost = new FileStream(new SafeFileHandle(dup(master), ownsHandle: true), FileAccess.Write, bufferSize: 0);

        // Host → module: a blocking read of the master on its own thread; ends when the master is closed.
        new Thread(() =>
        {
            var buffer = new byte[4096];
            try
            {
                int n;
                while ((n = _fromHost.Read(buffer)) > 0)
                {
                    module.Write(buffer.AsSpan(0, n));
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // The slave or the master was closed.
            }
        }) { IsBackground = true, Name = "pty host→module" }.Start();

        // Module → host.
        _output = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                int n;
                while ((n = await module.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    _toHost.Write(buffer, 0, n);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // Stopped.
            }
        });
    }

    /// <summary>The slave device, e.g. <c>/dev/pts/3</c>.</summary>
    public string Path { get; }

    public void Dispose()
    {
        _stop.Cancel();
        _output.Wait(TimeSpan.FromSeconds(5));
        _toHost.Dispose();
        _fromHost.Dispose();
        _stop.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int posix_openpt(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int grantpt(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int unlockpt(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int ptsname_r(int fd, [Out] byte[] buffer, nint length);

    [DllImport("libc", SetLastError = true)]
    private static extern int dup(int fd);
}
