using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Kiosk.Core;
using Kiosk.Drivers.QrDecoding;

namespace Kiosk.Service.Cli;

/// <summary><c>kiosk scan FILE|DIR ... [--json]</c>: reads QR codes from image files with the camera's decode pipeline.</summary>
internal static class ScanCommand
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp"];

    /// <summary>The subcommand.</summary>
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "image files (PNG, JPEG, WebP) or directories (read recursively)", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "one JSON line per image: {\"file\", \"text\" | null, \"ms\"}" };
        var command = new Command("scan", "read QR codes from image files with the same decoder the camera path uses") { paths, json };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            return Run(parse.GetValue(paths) ?? [], parse.GetValue(json), output);
        });
        return command;
    }

    /// <summary>Scans every image; returns 0 when all images were read (with or without a code).</summary>
    internal static int Run(IReadOnlyList<string> paths, bool json, TextWriter output)
    {
        var files = Expand(paths);
        var decoder = new QrFrameDecoder();
        foreach (var file in files)
        {
            QrDecodeResult result;
            try
            {
                result = decoder.DecodeFile(file);
            }
            catch (InvalidDataException ex)
            {
                throw new KioskInputException($"{ex.Message}: {file}", ex);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new KioskInputException($"cannot read {file}: {ex.Message}", ex);
            }

            var ms = Math.Round(result.Elapsed.TotalMilliseconds, 1);
            if (json)
            {
                output.WriteLine(JsonSerializer.Serialize(new ScanLine(file, result.Text, ms), ScanJson.Default.ScanLine));
            }
            else
            {
                output.WriteLine(result.Text is null
                    ? $"{file}: no code ({ms.ToString("0.0", CultureInfo.InvariantCulture)} ms)"
                    : $"{file}: {result.Text}");
            }
        }

        return 0;
    }

    // The image files named or found under the directories named, each real file once (a file reached through several links or
    // paths counts once, under the first name in ordinal order). Directory links are followed only to a directory not yet
    // visited: a link back to an ancestor (ln -s . d/x) or to a directory seen elsewhere is not entered again.
    private static List<string> Expand(IReadOnlyList<string> paths)
    {
        var files = new List<string>();
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        var seenDirectories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = new List<string>();
                Walk(path, RealPath(path), found, seenFiles, seenDirectories);
                files.AddRange(found.Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                if (seenFiles.Add(RealPath(path)))
                {
                    files.Add(path);
                }
            }
            else
            {
                throw new KioskInputException($"no such file or directory: {path}");
            }
        }

        return files;
    }

    private static void Walk(string directory, string real, List<string> found, HashSet<string> seenFiles, HashSet<string> seenDirectories)
    {
        if (!seenDirectories.Add(real))
        {
            return;
        }

        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KioskInputException($"cannot read directory {directory}: {ex.Message}", ex);
        }

        Array.Sort(entries, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var isLink = new FileInfo(entry).LinkTarget is not null;
            var entryReal = isLink ? RealPath(entry) : Path.Combine(real, Path.GetFileName(entry));
            if (Directory.Exists(entry))
            {
                Walk(entry, entryReal, found, seenFiles, seenDirectories);
            }
            else if (File.Exists(entry) && ImageExtensions.Contains(Path.GetExtension(entry), StringComparer.OrdinalIgnoreCase) && seenFiles.Add(entryReal))
            {
                found.Add(entry);
            }
        }
    }

    // The path with every symbolic link along it resolved (a dangling or cyclic link resolves to itself: it is then no directory).
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? string.Empty;
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            try
            {
                if (new FileInfo(next).LinkTarget is not null && File.ResolveLinkTarget(next, returnFinalTarget: true) is { } target)
                {
                    next = Path.GetFullPath(target.FullName);
                    if (!string.Equals(next, Path.Combine(current, part), StringComparison.Ordinal))
                    {
                        next = RealPath(next);
                    }
                }
            }
            catch (IOException)
            {
                // A link loop (a -> b -> a): no real path; the name itself identifies it.
            }

            current = next;
        }

        return current;
    }
}

/// <summary>One line of <c>kiosk scan --json</c>.</summary>
internal sealed record ScanLine(
    [property: System.Text.Json.Serialization.JsonPropertyName("file")] string File,
    [property: System.Text.Json.Serialization.JsonPropertyName("text")] string? Text,
    [property: System.Text.Json.Serialization.JsonPropertyName("ms")] double Ms);

[System.Text.Json.Serialization.JsonSerializable(typeof(ScanLine))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
internal sealed partial class ScanJson : System.Text.Json.Serialization.JsonSerializerContext;
