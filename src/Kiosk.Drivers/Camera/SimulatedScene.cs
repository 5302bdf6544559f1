using SkiaSharp;

namespace Kiosk.Drivers.Camera;

/// <summary>What stands in front of the simulated camera.</summary>
public abstract record SimulatedScene
{
    private SimulatedScene()
    {
    }

    /// <summary>A phone showing a QR code of <paramref name="Text"/>, photographed as <paramref name="Style"/> says.</summary>
    public sealed record QrText(string Text, SceneStyle Style) : SimulatedScene
    {
        /// <summary>The text in the default style (clean, moderately sized, slightly tilted).</summary>
        public QrText(string text)
            : this(text, SceneStyle.Default)
        {
        }
    }

    /// <summary>A phone showing a picture (e.g. a PNG of a QR code), fitted to its screen.</summary>
    public sealed record Image(SKBitmap Bitmap, SceneStyle Style) : SimulatedScene
    {
        /// <summary>Loads a PNG, JPEG or WebP file; throws <see cref="InvalidDataException"/> when it is not a readable image.</summary>
        public static Image FromFile(string path, SceneStyle? style = null) =>
            new(SKBitmap.Decode(path) ?? throw new InvalidDataException($"not a readable image: {path}"), style ?? SceneStyle.Default);
    }

    /// <summary>Nobody there: the empty hall, with or without something moving through it.</summary>
    public sealed record Empty(bool Motion) : SimulatedScene;
}
