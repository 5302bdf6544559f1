namespace Kiosk.Display;

/// <summary>A panel's frame size. The renderer picks the arrangement from it (portrait: taller than wide).</summary>
/// <param name="Width">Pixels across.</param>
/// <param name="Height">Pixels down.</param>
public readonly record struct PanelSize(int Width, int Height)
{
    /// <summary>The panels checkpoint kiosks are built with: 8-10" portrait tablets on a stand, 7-21" landscape panels.</summary>
    public static IReadOnlyList<PanelSize> Common { get; } =
    [
        new(600, 1024), new(800, 1280), new(1080, 1920),
        new(800, 480), new(1024, 600), new(1280, 800), new(1920, 1080),
    ];

    /// <summary>Taller than wide.</summary>
    public bool Portrait => Height > Width;

    /// <inheritdoc/>
    public override string ToString() => $"{Width}x{Height}";
}
