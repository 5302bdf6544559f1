using SkiaSharp;

namespace Kiosk.Display.Sinks;

/// <summary>Somewhere a rendered frame goes: a panel, a framebuffer, a file.</summary>
public interface IFrameSink : IDisposable
{
    /// <summary>Short name for alerts and logs, e.g. <c>fb:/dev/fb0</c>.</summary>
    string Name { get; }

    /// <summary>Puts <paramref name="frame"/> on the output. A frame of another size is scaled to fit (aspect kept).
    /// Throws on an output failure; the caller raises <c>display_fault</c>.</summary>
    void Present(SKBitmap frame);
}
