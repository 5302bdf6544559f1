using System.Globalization;
using System.Text;

namespace Kiosk.Core.Inputs;

/// <summary>
/// Reads an input file with its size limit enforced while reading: a device (<c>/dev/zero</c>), a pipe or a file that
/// grows stops at <c>limit + 1</c> bytes instead of filling memory. Every file the kiosk or its command line reads
/// whole goes through here.
/// </summary>
public static class BoundedFile
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>All bytes of <paramref name="path"/>, at most <paramref name="limit"/>.</summary>
    /// <exception cref="InputTooLargeException">The file holds more than <paramref name="limit"/> bytes.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read (or is a directory).</exception>
    public static byte[] ReadAllBytes(string path, long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        return ReadAllBytes(stream, limit, path);
    }

    /// <summary>
    /// All bytes of the regular file <paramref name="path"/> (a link is followed), at most <paramref name="limit"/>:
    /// for files that configuration names (a CA, a client certificate, a voice clip), where a device
    /// (<c>/dev/zero</c>, <c>/dev/urandom</c>), a pipe or a socket is a mistake or an attack, refused before its
    /// bytes are held. A device and a pipe are told apart from a file as the kernel reports them: a pipe cannot seek,
    /// a character device has no size yet yields bytes.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a regular file.</exception>
    /// <exception cref="InputTooLargeException">The file holds more than <paramref name="limit"/> bytes.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read (or is a directory).</exception>
    public static byte[] ReadRegularFile(string path, long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        using var stream = OpenWithoutWaiting(path);
        if (!stream.CanSeek)
        {
            throw NotRegular(path);
        }

        if (stream.Length == 0)
        {
            // An empty file reads nothing; /dev/zero and /dev/urandom report no size and never end.
            return stream.ReadByte() < 0 ? [] : throw NotRegular(path);
        }

        return ReadAllBytes(stream, limit, path);
    }

    /// <summary>
    /// Opens <paramref name="path"/> to read. On Linux without waiting: a named pipe with no writer would block a plain
    /// open for ever, so the file is opened with <c>O_NONBLOCK</c> (which changes nothing for a regular file) and the
    /// caller's checks refuse the pipe. Elsewhere, and for what the plain open reports better (a missing file, a
    /// directory, no permission), the plain <see cref="FileStream"/>.
    /// </summary>
    private static FileStream OpenWithoutWaiting(string path)
    {
        if (OperatingSystem.IsLinux() && !Directory.Exists(path))
        {
            const int NonBlocking = 0x800; // O_NONBLOCK on x86-64 and AArch64 (octal 04000)
            const int CloseOnExec = 0x80000; // O_CLOEXEC
            var fd = OpenFile(path, NonBlocking | CloseOnExec);
            if (fd >= 0)
            {
                return new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 1);
            }
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenFile([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags);

    /// <summary>All bytes of <paramref name="stream"/>, at most <paramref name="limit"/>; <paramref name="name"/> names the input in the error.</summary>
    public static byte[] ReadAllBytes(Stream stream, long limit, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var length = stream.CanSeek ? stream.Length - stream.Position : -1;
        if (length > limit)
        {
            throw InputTooLargeException.For(name, limit);
        }

        using var buffer = new MemoryStream(length > 0 ? (int)length : ChunkBytes);
        var chunk = new byte[ChunkBytes];
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length))) > 0)
        {
            // Checked before the bytes are kept: the buffer never grows past the limit.
            if (buffer.Length + read > limit)
            {
                throw InputTooLargeException.For(name, limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The file as strict UTF-8 text (a byte-order mark is skipped), at most <paramref name="limit"/> bytes.</summary>
    /// <exception cref="InvalidDataException">The bytes are not UTF-8.</exception>
    public static string ReadAllText(string path, long limit) => Utf8Text(ReadAllBytes(path, limit), path);

    /// <summary>Decodes strict UTF-8 (skipping a byte-order mark); <paramref name="name"/> names the input in the error.</summary>
    /// <exception cref="InvalidDataException">The bytes are not UTF-8.</exception>
    public static string Utf8Text(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[Encoding.UTF8.Preamble.Length..];
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidDataException($"{name} is not UTF-8 text (bad byte at offset {ex.Index.ToString(CultureInfo.InvariantCulture)})", ex);
        }
    }

    /// <summary>Limits in bytes, written the way people read them (<c>16 MiB</c>).</summary>
    public static string Describe(long bytes) =>
        bytes >= 1 << 30 && bytes % (1 << 30) == 0 ? $"{bytes >> 30} GiB"
        : bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB"
        : bytes >= 1 << 10 && bytes % (1 << 10) == 0 ? $"{bytes >> 10} KiB"
        : $"{bytes} bytes";

    private static InvalidDataException NotRegular(string path) => new($"{path} is not a regular file (a device, pipe or socket)");

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
