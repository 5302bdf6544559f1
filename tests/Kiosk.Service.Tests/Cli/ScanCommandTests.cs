using System.Text.Json;
using Kiosk.Service.Cli;
using SkiaSharp;

namespace Kiosk.Service.Tests.Cli;

public sealed class ScanCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scan-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task JsonGivesOneLinePerImageRecursively()
    {
        WriteQrPng(Path.Combine(_dir, "a.png"), "first code");
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        WriteQrPng(Path.Combine(_dir, "sub", "b.png"), "second code");
        using (var blank = new SKBitmap(100, 100))
        {
            blank.Erase(SKColors.White);
            using var file = File.Create(Path.Combine(_dir, "sub", "c.jpg"));
            blank.Encode(file, SKEncodedImageFormat.Jpeg, 90);
        }

        var (exit, stdout, stderr) = await RunAsync("scan", _dir, "--json");
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal("first code", lines[0].GetProperty("text").GetString());
        Assert.Equal("second code", lines[1].GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, lines[2].GetProperty("text").ValueKind);
        Assert.EndsWith("c.jpg", lines[2].GetProperty("file").GetString());
        Assert.All(lines, l => Assert.True(l.GetProperty("ms").GetDouble() >= 0));
    }

    [Fact]
    public async Task MissingFileIsOneLineErrorAndExit2()
    {
        var (exit, stdout, stderr) = await RunAsync("scan", Path.Combine(_dir, "nope.png"));
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("error: no such file", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task UnreadableImageIsOneLineErrorAndExit2()
    {
        var path = Path.Combine(_dir, "broken.png");
        await File.WriteAllTextAsync(path, "not an image");
        var (exit, _, stderr) = await RunAsync("scan", path);
        Assert.Equal(2, exit);
        Assert.StartsWith("error: not a readable image", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task PlainOutputNamesFileAndText()
    {
        var path = Path.Combine(_dir, "plain.png");
        WriteQrPng(path, "plain text");
        var (exit, stdout, _) = await RunAsync("scan", path);
        Assert.Equal(0, exit);
        Assert.Equal($"{path}: plain text", stdout.Trim());
    }

    [Fact]
    public async Task SymlinkLoopsAreNotFollowedAndEachRealFileIsScannedOnce()
    {
        var d = Path.Combine(_dir, "d");
        Directory.CreateDirectory(d);
        WriteQrPng(Path.Combine(d, "a.png"), "looped code");
        File.CreateSymbolicLink(Path.Combine(d, "x"), ".");
        File.CreateSymbolicLink(Path.Combine(d, "y"), ".");
        Directory.CreateDirectory(Path.Combine(d, "sub"));
        File.CreateSymbolicLink(Path.Combine(d, "sub", "up"), "..");
        File.CreateSymbolicLink(Path.Combine(d, "sub", "same.png"), Path.Combine(d, "a.png"));

        var (exit, stdout, stderr) = await RunAsync("scan", d, "--json");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal(Path.Combine(d, "a.png"), json.GetProperty("file").GetString());
        Assert.Equal("looped code", json.GetProperty("text").GetString());
    }

    [Fact]
    public async Task TheSameFileNamedTwiceOrThroughALinkedDirectoryIsScannedOnce()
    {
        var real = Path.Combine(_dir, "real");
        Directory.CreateDirectory(real);
        WriteQrPng(Path.Combine(real, "a.png"), "once");
        File.CreateSymbolicLink(Path.Combine(_dir, "alias"), real);

        var (exit, stdout, _) = await RunAsync("scan", real, Path.Combine(_dir, "alias"), Path.Combine(real, "a.png"), "--json");

        Assert.Equal(0, exit);
        Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("scan")]
    [InlineData("inspect")]
    public async Task AnImageDeclaringAHugeSizeIsOneLineNamingTheFileAndExit2(string command)
    {
        var path = Path.Combine(_dir, "huge.png");
        await File.WriteAllBytesAsync(path, OversizedPng.Create(65535, 65535));

        var (exit, stdout, stderr) = command == "scan" ? await RunAsync("scan", path) : await RunAsync("inspect", "--image", path);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains("huge.png", line);
        Assert.Contains("65535 × 65535", line);
    }

    [Fact]
    public async Task InspectOfANonImageIsOneLineNamingTheFile()
    {
        var path = Path.Combine(_dir, "notes.png");
        await File.WriteAllTextAsync(path, "not an image");
        var (exit, _, stderr) = await RunAsync("inspect", "--image", path);
        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith("error: unreadable image 'notes.png': not a readable image", line);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await KioskCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static void WriteQrPng(string path, string text)
    {
        var bits = new ZXing.QrCode.QRCodeWriter().encode(text, ZXing.BarcodeFormat.QR_CODE, 240, 240);
        using var bitmap = new SKBitmap(bits.Width, bits.Height);
        for (var y = 0; y < bits.Height; y++)
        {
            for (var x = 0; x < bits.Width; x++)
            {
                bitmap.SetPixel(x, y, bits[x, y] ? SKColors.Black : SKColors.White);
            }
        }

        using var file = File.Create(path);
        bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
    }
}
