using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Kiosk.Drivers.QrDecoding;

namespace Kiosk.Service.Cli;

/// <summary><c>kiosk scan FILE|DIR ... [--json]</c>: reads QR codes from image files with the camera's decode pipeline.</summary>
public static class ScanCommand
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
        var decoder = new QrImageDecoder();
        foreach (var file in files)
        {
            QrDecodeResult result;
            try
            {
                result = decoder.DecodeFile(file);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                throw new CliInputException(ex is InvalidDataException ? $"not a readable image (PNG, JPEG, WebP): {file}" : $"cannot read {file}: {ex.Message}", ex);
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

    private static List<string> Expand(IReadOnlyList<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => ImageExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new CliInputException($"no such file or directory: {path}");
            }
        }

        return files;
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
