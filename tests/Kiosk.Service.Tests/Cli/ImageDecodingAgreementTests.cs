using System.Text.Json;
using Kiosk.Service.Cli;

namespace Kiosk.Service.Tests.Cli;

/// <summary>
/// <c>kiosk scan</c> and <c>kiosk inspect --image</c> read QR images with one decoder: for every image of tests/data (the
/// photos, the sample scenario's image, the pictures inside the DCC corpus files) inspecting the image gives exactly what
/// inspecting the text scan read gives, and an image scan reads nothing from is "no QR code found" for inspect.
/// </summary>
public sealed class ImageDecodingAgreementTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agree-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ScanAndInspectImageGiveTheSameTextForEveryImageOfTestData()
    {
        var images = ImagesOfTestData().ToList();
        Assert.True(images.Count >= 72, $"{images.Count} images");
        var read = 0;
        foreach (var image in images)
        {
            var (scanExit, scanOut, scanError) = await RunAsync("scan", image, "--json");
            var (exit, fromImage, error) = await RunAsync("inspect", "--image", image, "--json", "--at", "2026-11-25T08:00:00Z");
            if (scanExit != 0)
            {
                // Not an image at all (the DCC corpus has such a "picture"): both commands say so in one line.
                Assert.StartsWith("error: not a readable image", scanError);
                Assert.Equal(2, exit);
                Assert.StartsWith("error: unreadable image", error);
                continue;
            }

            var text = JsonDocument.Parse(scanOut).RootElement.GetProperty("text").GetString();
            if (text is null)
            {
                Assert.Equal(2, exit);
                Assert.Contains("no QR code found", error);
                continue;
            }

            read++;
            var (_, fromText, _) = await RunAsync("inspect", text, "--json", "--at", "2026-11-25T08:00:00Z");
            Assert.True(exit == 0, $"{image}: {error}");
            Assert.Equal(fromText, fromImage);
        }

        Assert.True(read >= images.Count * 3 / 4, $"read {read} of {images.Count}");
    }

    private IEnumerable<string> ImagesOfTestData()
    {
        var data = DataDirectory();
        foreach (var file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var extension = Path.GetExtension(file).ToLowerInvariant();
            if (extension is ".png" or ".jpg" or ".jpeg" or ".webp")
            {
                yield return file;
            }
            else if (extension == ".json" && Path.GetFileName(Path.GetDirectoryName(file)) == "dgc-common" &&
                     JsonDocument.Parse(File.ReadAllText(file)).RootElement.TryGetProperty("2DCODE", out var picture) &&
                     picture.GetString() is { Length: > 0 } base64)
            {
                var path = Path.Combine(_dir, Path.GetFileNameWithoutExtension(file) + ".png");
                File.WriteAllBytes(path, Convert.FromBase64String(base64));
                yield return path;
            }
        }
    }

    private static string DataDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "data");
            if (Directory.Exists(Path.Combine(candidate, "qr-photos")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/data not found above the test binaries");
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await KioskCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
