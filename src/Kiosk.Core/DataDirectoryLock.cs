using System.Globalization;

namespace Kiosk.Core;

/// <summary>
/// A data directory has one owner: <c>kiosk.lock</c> in it, opened with <see cref="FileShare.None"/> (an exclusive
/// <c>flock</c> on Linux) and held until disposed or the process ends (the OS drops it on SIGKILL too). Its holder's
/// pid is written to <c>kiosk.pid</c> beside it (the lock file itself cannot be read by another .NET process while
/// held) so the second start can name it. Two kiosks on one directory would repeat event <c>seq</c> numbers and share
/// one outbox.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    /// <summary>The lock file's name in the data directory.</summary>
    public const string FileName = "kiosk.lock";

    /// <summary>The holder's pid, beside the lock.</summary>
    public const string PidFileName = "kiosk.pid";

    // What .NET reports when flock(LOCK_EX | LOCK_NB) finds the file held: on Unix the errno as HResult (EWOULDBLOCK:
    // 11 on Linux, 35 on macOS), on Windows ERROR_SHARING_VIOLATION.
    private const int WouldBlockLinux = 11;
    private const int WouldBlockMac = 35;
    private const int SharingViolation = unchecked((int)0x80070020);

    private readonly FileStream _lock;

    private DataDirectoryLock(FileStream fileLock, string directory)
    {
        _lock = fileLock;
        Directory = directory;
    }

    /// <summary>The directory held.</summary>
    public string Directory { get; }

    /// <summary>Takes <paramref name="directory"/> (created if missing) for this process.</summary>
    /// <exception cref="KioskInputException">Another process holds it (one line naming its pid), or the lock file cannot be made.</exception>
    public static DataDirectoryLock Acquire(string directory)
    {
        var full = Path.GetFullPath(directory);
        var path = Path.Combine(full, FileName);
        FileStream stream;
        try
        {
            System.IO.Directory.CreateDirectory(full);
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
        }
        catch (IOException ex) when (ex.HResult is WouldBlockLinux or WouldBlockMac or SharingViolation)
        {
            throw new KioskInputException($"data directory {full} is in use by another kiosk process (pid {HolderPid(full) ?? "unknown"})", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KioskInputException($"data directory {full}: cannot take {FileName}: {OneLine.Of(ex.Message)}", ex);
        }

        try
        {
            var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(pid + "\n"));
            stream.Flush();
            File.WriteAllText(Path.Combine(full, PidFileName), pid + "\n");
        }
        catch (IOException)
        {
            // The lock is what matters; a pid that could not be written only makes the second start's message vaguer.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }

        return new DataDirectoryLock(stream, full);
    }

    private static string? HolderPid(string directory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(directory, PidFileName)).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid.ToString(CultureInfo.InvariantCulture) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Releases the directory (the lock file stays, empty of meaning without its lock).</summary>
    public void Dispose() => _lock.Dispose();
}
