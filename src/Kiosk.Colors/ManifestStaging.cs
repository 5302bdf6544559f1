using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using HealthCode.Formats.Feed;
using Kiosk.Core.Inputs;

namespace Kiosk.Colors;

/// <summary>
/// The <c>colors-parts</c> folder next to the store's database file (color-feed.md rule 10): the kept manifest's raw
/// signed bytes (<c>manifest.cose</c>), its verified parts (<c>part-{i}.cbor</c>, the exact bytes whose SHA-256 the
/// manifest lists), a <c>resync</c> marker while a fleet <c>resync</c> waits for its snapshot, and <c>refused</c>: the
/// seq and hash of the last manifest refused for its parts (rule 11: never fetched again). Every file is written
/// atomically: a temporary file, fsync, rename, fsync of the folder; a power cut leaves the old file or the new one,
/// and a leftover temporary file is deleted at the next open. At most one manifest's parts are kept. File names carry
/// indexes only, never an id or a color. One writer at a time (the processor's lock); <c>colors status</c> only reads.
/// </summary>
public sealed partial class ManifestStaging
{
    /// <summary>The folder's name, next to the store's database file.</summary>
    public const string FolderName = "colors-parts";

    private const string ManifestFile = "manifest.cose";
    private const string ResyncFile = "resync";
    private const string RefusedFile = "refused";
    private const string TempSuffix = ".tmp";

    private ManifestStaging(string directory) => Directory = directory;

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>The folder next to <paramref name="databasePath"/> (created, leftover temporary files deleted).</summary>
    /// <exception cref="IOException">The folder cannot be created.</exception>
    public static ManifestStaging Open(string databasePath)
    {
        var staging = ForDatabase(databasePath);
        System.IO.Directory.CreateDirectory(staging.Directory);
        foreach (var temp in System.IO.Directory.EnumerateFiles(staging.Directory, "*" + TempSuffix))
        {
            File.Delete(temp);
        }

        return staging;
    }

    /// <summary>The folder next to <paramref name="databasePath"/> without creating or cleaning it (read-only use).</summary>
    public static ManifestStaging ForDatabase(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var full = Path.GetFullPath(databasePath);
        return new ManifestStaging(Path.Combine(Path.GetDirectoryName(full) ?? ".", FolderName));
    }

    /// <summary>Reads (only) the kept manifest, verified with <paramref name="authorityKey"/>, and counts its parts on disk:
    /// for <c>kiosk colors status</c> beside a running service. Null when none is kept or it does not verify.</summary>
    /// <param name="active">Whether the fetch is active is the service's to say; the caller passes what it can tell.</param>
    public ManifestFetchProgress? ReadProgress(System.Security.Cryptography.ECDsa authorityKey, string feed, bool active)
    {
        if (ReadManifest() is not { } raw || FeedCodec.Decode(raw, authorityKey).Message is not HealthCode.Formats.ManifestMessage m
            || !string.Equals(m.Feed, feed, StringComparison.Ordinal))
        {
            return null;
        }

        var verified = PartIndexes().Count(i => i < m.PartHashes.Count);
        return new ManifestFetchProgress(m.Seq, m.PartHashes.Count, verified, active);
    }

    /// <summary>The kept manifest's raw signed bytes, or null (verify them again before use).</summary>
    public byte[]? ReadManifest() => ReadOrNull(Path.Combine(Directory, ManifestFile), 16 * 1024 * 1024);

    /// <summary>Keeps <paramref name="signedManifest"/> as the one manifest, deleting every part of another one first.</summary>
    public void KeepManifest(ReadOnlySpan<byte> signedManifest)
    {
        var current = ReadManifest();
        if (current is not null && signedManifest.SequenceEqual(current))
        {
            return;
        }

        DeleteParts();
        WriteAtomically(Path.Combine(Directory, ManifestFile), signedManifest);
    }

    /// <summary>Deletes the kept manifest and its parts (superseded, applied, abandoned or refused).</summary>
    public void Clear()
    {
        DeleteParts();
        DeleteFile(Path.Combine(Directory, ManifestFile));
        SyncDirectory(Directory);
    }

    /// <summary>True when part <paramref name="index"/> is kept.</summary>
    public bool HasPart(int index) => File.Exists(PartPath(index));

    /// <summary>The indexes of the parts kept (in no order).</summary>
    public IEnumerable<int> PartIndexes()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            yield break;
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "part-*.cbor"))
        {
            if (TryPartIndex(Path.GetFileName(file), out var index))
            {
                yield return index;
            }
        }
    }

    /// <summary>Keeps a verified part (its exact bytes).</summary>
    public void WritePart(int index, ReadOnlySpan<byte> bytes) => WriteAtomically(PartPath(index), bytes);

    /// <summary>The bytes of a kept part, or null when it is absent or larger than a part may be.</summary>
    public byte[]? ReadPart(int index) => ReadOrNull(PartPath(index), FeedPart.MaxBytes);

    /// <summary>Deletes one kept part (found damaged at the switch: fetched again).</summary>
    public void DeletePart(int index)
    {
        DeleteFile(PartPath(index));
        SyncDirectory(Directory);
    }

    /// <summary>True while a fleet <c>resync</c> waits for its snapshot or manifest.</summary>
    public bool ResyncRequested => File.Exists(Path.Combine(Directory, ResyncFile));

    /// <summary>Marks (durably) or clears the fleet <c>resync</c> request.</summary>
    public void SetResync(bool requested)
    {
        var path = Path.Combine(Directory, ResyncFile);
        if (requested)
        {
            if (!File.Exists(path))
            {
                WriteAtomically(path, []);
            }
        }
        else if (File.Exists(path))
        {
            DeleteFile(path);
            SyncDirectory(Directory);
        }
    }

    /// <summary>Remembers a manifest refused for its parts (rule 11), by seq and the SHA-256 of its signed bytes.</summary>
    public void MarkRefused(ulong seq, ReadOnlySpan<byte> signedManifest) =>
        WriteAtomically(Path.Combine(Directory, RefusedFile), System.Text.Encoding.ASCII.GetBytes(RefusedLine(seq, signedManifest)));

    /// <summary>True when exactly this manifest was refused before.</summary>
    public bool WasRefused(ulong seq, ReadOnlySpan<byte> signedManifest)
    {
        var bytes = ReadOrNull(Path.Combine(Directory, RefusedFile), 256);
        return bytes is not null && string.Equals(System.Text.Encoding.ASCII.GetString(bytes), RefusedLine(seq, signedManifest), StringComparison.Ordinal);
    }

    /// <summary>The file name of part <paramref name="index"/> in a manifest folder and here: <c>part-{i}.cbor</c>.</summary>
    public static string PartFileName(int index) => string.Create(CultureInfo.InvariantCulture, $"part-{index}.cbor");

    /// <summary>Parses <c>part-{i}.cbor</c> (decimal, no leading zeros, no sign).</summary>
    public static bool TryPartIndex(string fileName, out int index)
    {
        index = -1;
        var match = PartName().Match(fileName);
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    private string PartPath(int index) => Path.Combine(Directory, PartFileName(index));

    private void DeleteParts()
    {
        foreach (var index in PartIndexes().ToList())
        {
            DeleteFile(PartPath(index));
        }
    }

    private static string RefusedLine(ulong seq, ReadOnlySpan<byte> signedManifest) =>
        string.Create(CultureInfo.InvariantCulture, $"{seq} {Convert.ToHexStringLower(SHA256.HashData(signedManifest))}");

    private static byte[]? ReadOrNull(string path, long limit)
    {
        try
        {
            return BoundedFile.ReadAllBytes(path, limit);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or InputTooLargeException)
        {
            return null;
        }
    }

    private static void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Temporary file, fsync, rename over the target, fsync of the folder: the old file or the new one after a power cut.</summary>
    private static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        var directory = Path.GetDirectoryName(path)!;
        System.IO.Directory.CreateDirectory(directory);
        var temp = path + TempSuffix;
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        SyncDirectory(directory);
    }

    /// <summary>fsync of a folder, so a rename or delete in it survives a power cut (Linux; elsewhere a no-op).</summary>
    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY
        var fd = Native.Open(directory, ReadOnlyDirectory);
        if (fd < 0)
        {
            return;
        }

        try
        {
            if (Native.Fsync(fd) != 0)
            {
                throw new IOException($"fsync of {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    [GeneratedRegex("^part-(0|[1-9][0-9]{0,8})\\.cbor$", RegexOptions.CultureInvariant)]
    private static partial Regex PartName();

    private static class Native
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int fd);
    }
}
