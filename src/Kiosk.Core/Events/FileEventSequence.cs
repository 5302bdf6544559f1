using System.Buffers.Binary;
using Kiosk.Core.Inputs;

namespace Kiosk.Core.Events;

/// <summary>
/// A seq that is monotonic across restarts and power cuts: the kiosk reserves blocks of numbers in a small
/// file (written to a temporary file, flushed, renamed) and hands them out from memory. After a crash the
/// unused rest of a block is skipped: seq stays increasing, with gaps, never repeated.
/// </summary>
public sealed class FileEventSequence : IEventSequence
{
    private const int BlockSize = 256;
    private readonly object _gate = new();
    private readonly string _path;
    private long _last;
    private long _reservedUpTo;

    public FileEventSequence(string path)
    {
        _path = path;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _last = ReadReserved(path);
        _reservedUpTo = _last;
    }

    public long Next()
    {
        lock (_gate)
        {
            if (_last >= _reservedUpTo)
            {
                Reserve(_last + BlockSize);
            }

            return ++_last;
        }
    }

    private void Reserve(long upTo)
    {
        var temp = _path + ".tmp";
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, upTo);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
        _reservedUpTo = upTo;
    }

    private static long ReadReserved(string path)
    {
        try
        {
            // Eight bytes; anything longer is not ours (read no further than that).
            var bytes = BoundedFile.ReadAllBytes(path, 64);
            return bytes.Length == 8 ? Math.Max(0, BinaryPrimitives.ReadInt64LittleEndian(bytes)) : 0;
        }
        catch (Exception ex) when (ex is FileNotFoundException or InputTooLargeException)
        {
            return 0;
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }
    }
}
