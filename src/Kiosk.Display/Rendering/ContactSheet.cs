using SkiaSharp;

namespace Kiosk.Display.Rendering;

/// <summary>
/// Many screens on one image, for the documentation and for review: every screen drawn at its panel's size, scaled
/// into a grid cell with its label underneath.
/// </summary>
public static class ContactSheet
{
    /// <summary>Draws <paramref name="screens"/> (label, model) at <paramref name="panel"/> into a grid <paramref name="columns"/> wide, each cell <paramref name="cellWidth"/> pixels across.</summary>
    public static byte[] RenderPng(IReadOnlyList<(string Label, ScreenModel Model)> screens, PanelSize panel, int columns, int cellWidth)
    {
        ArgumentNullException.ThrowIfNull(screens);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cellWidth, 40);
        var gap = 12;
        var label = 26;
        var cellHeight = (int)Math.Round((double)cellWidth * panel.Height / panel.Width);
        var rows = (screens.Count + columns - 1) / columns;
        var width = columns * (cellWidth + gap) + gap;
        var height = rows * (cellHeight + label + gap) + gap;
        using var sheet = new SKBitmap(new SKImageInfo(width, height, SKColorType.Bgra8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(sheet);
        canvas.Clear(new SKColor(0xF2, 0xF4, 0xF7));
        using var renderer = new ScreenRenderer(panel.Width, panel.Height);
        using var font = new SKFont(KioskTypeface.Default, 16) { Edging = SKFontEdging.Antialias };
        using var ink = new SKPaint { Color = new SKColor(0x20, 0x24, 0x2A), IsAntialias = true };
        using var frame = new SKPaint { Color = new SKColor(0x90, 0x96, 0xA0), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        using var sampling = new SKPaint { IsAntialias = true };
        for (var i = 0; i < screens.Count; i++)
        {
            var x = gap + i % columns * (cellWidth + gap);
            var y = gap + i / columns * (cellHeight + label + gap);
            var bitmap = renderer.Render(screens[i].Model);
            using var image = SKImage.FromBitmap(bitmap);
            var cell = SKRect.Create(x, y, cellWidth, cellHeight);
            canvas.DrawImage(image, cell, new SKSamplingOptions(SKCubicResampler.Mitchell), sampling);
            canvas.DrawRect(cell, frame);
            canvas.DrawText(screens[i].Label, x, y + cellHeight + 19, SKTextAlign.Left, font, ink);
        }

        canvas.Flush();
        using var data = sheet.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
