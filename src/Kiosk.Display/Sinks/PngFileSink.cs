using SkiaSharp;

namespace Kiosk.Display.Sinks;

/// <summary>Writes each frame to one PNG file (replaced atomically), e.g. for a headless kiosk or a remote viewer.</summary>
public sealed class PngFileSink : IFrameSink
{
    private readonly string _path;

    /// <param name="path">The PNG file to keep current.</param>
    public PngFileSink(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
    }

    /// <inheritdoc/>
    public string Name => $"png:{_path}";

    /// <inheritdoc/>
    public void Present(SKBitmap frame)
    {
        using var data = frame.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new IOException("PNG encoding failed");
        var directory = Path.GetDirectoryName(_path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(_path)}.tmp");
        using (var file = File.Create(temp))
        {
            data.SaveTo(file);
        }

        File.Move(temp, _path, overwrite: true);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
