using System.Runtime.InteropServices;

namespace Kiosk.Colors;

/// <summary>
/// The files of one store beside its main database <c>colors.db</c>: generation files <c>colors.db.gen-{seq}-{n}</c>
/// (the base records of one snapshot, written once and then only read), each built under a
/// <c>-building</c> lock file that an exclusive advisory lock keeps alive while its builder runs.
/// </summary>
internal static partial class StoreFiles
{
    private const string GenerationMark = ".gen-";
    private const string BuildingSuffix = "-building";

    /// <summary>A fresh generation file name (the file name only; it lives beside the main database).</summary>
    public static string NewGenerationName(string databasePath, ulong seq) =>
        $"{Path.GetFileName(databasePath)}{GenerationMark}{seq}-{Guid.NewGuid():N}";

    public static string PathOf(string databasePath, string generationName) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath)) ?? ".", generationName);

    /// <summary>Takes the builder's lock (created, held exclusively until disposed).</summary>
    public static FileStream LockForBuilding(string generationPath) =>
        new(generationPath + BuildingSuffix, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);

    /// <summary>Releases a builder's lock and removes its file.</summary>
    public static void ReleaseBuilding(FileStream lockFile)
    {
        var path = lockFile.Name;
        lockFile.Dispose();
        TryDelete(path);
    }

    /// <summary>Deletes a generation file and SQLite's side files of it.</summary>
    public static void DeleteGeneration(string path)
    {
        TryDelete(path);
        TryDelete(path + "-journal");
    }

    /// <summary>Deletes the generation files that <paramref name="current"/> does not name and no builder holds
    /// (leftovers of a load abandoned by a crash or a power cut).</summary>
    public static int DeleteLeftovers(string databasePath, string? current)
    {
        var full = Path.GetFullPath(databasePath);
        var directory = Path.GetDirectoryName(full) ?? ".";
        var prefix = Path.GetFileName(full) + GenerationMark;
        var deleted = 0;
        foreach (var path in Directory.EnumerateFiles(directory, prefix + "*"))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(BuildingSuffix, StringComparison.Ordinal) || name.EndsWith("-journal", StringComparison.Ordinal)
                || string.Equals(name, current, StringComparison.Ordinal))
            {
                continue;
            }

            if (!TryClaim(path + BuildingSuffix))
            {
                continue; // a builder (this process or another) is writing it now
            }

            DeleteGeneration(path);
            deleted++;
        }

        foreach (var lockPath in Directory.EnumerateFiles(directory, prefix + "*" + BuildingSuffix))
        {
            var generation = lockPath[..^BuildingSuffix.Length];
            if (!File.Exists(generation) && TryClaim(lockPath))
            {
                TryDelete(lockPath);
            }
        }

        return deleted;
    }

    /// <summary>fsync of a file's content, then of its directory (so the new name survives a power cut too).</summary>
    public static void Sync(string path)
    {
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            file.Flush(flushToDisk: true);
        }

        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // Windows has no directory fsync; NTFS journals the names
        }

        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"cannot open the store's directory to sync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"cannot sync the store's directory (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>True when no builder holds this lock file (or it does not exist).</summary>
    private static bool TryClaim(string lockPath)
    {
        try
        {
            using var claim = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (FileNotFoundException)
        {
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next open's clean-up.
        }
        catch (UnauthorizedAccessException)
        {
            // Left for the next open's clean-up.
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
