using SkiaSharp;

namespace Kiosk.Display.Rendering;

/// <summary>
/// The icons, drawn as paths inside a light disc. The shapes alone tell the screens apart (a check mark, a person
/// raising a hand), so nobody needs to tell colors apart.
/// </summary>
internal static class ScreenIcons
{
    /// <summary>
    /// The paints the icons are drawn with, kept by the renderer and set again for each icon (no paint is allocated per
    /// frame): the disc, the stroke and the fill, and one derived from either (a thicker stroke, a ring) for the shapes
    /// that need one, set from its source exactly as <see cref="SKPaint.Clone"/> would copy it.
    /// </summary>
    internal sealed class Paints : IDisposable
    {
        public SKPaint Disc { get; } = new() { IsAntialias = true, Style = SKPaintStyle.Fill };

        public SKPaint Stroke { get; } = new() { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round, StrokeJoin = SKStrokeJoin.Round };

        public SKPaint Fill { get; } = new() { IsAntialias = true, Style = SKPaintStyle.Fill };

        private SKPaint Other { get; } = new();

        /// <summary>The derived paint: <paramref name="source"/>'s settings with another stroke width.</summary>
        public SKPaint From(SKPaint source, float strokeWidth)
        {
            Other.IsAntialias = source.IsAntialias;
            Other.Color = source.Color;
            Other.Style = source.Style;
            Other.StrokeCap = source.StrokeCap;
            Other.StrokeJoin = source.StrokeJoin;
            Other.StrokeWidth = strokeWidth;
            return Other;
        }

        public void Dispose()
        {
            Disc.Dispose();
            Stroke.Dispose();
            Fill.Dispose();
            Other.Dispose();
        }
    }

    /// <summary>Draws <paramref name="icon"/> in the square <paramref name="box"/> with <paramref name="paints"/>.</summary>
    public static void Draw(SKCanvas canvas, ScreenIcon icon, SKRect box, SKColor ink, Paints paints)
    {
        var size = box.Width;
        // A light disc on the dark screens, a dark one on the light PASS screen; the shape is cut in the background's color.
        var disc = paints.Disc;
        disc.Color = Palette.IsLight(ink) ? Palette.TextDark : Palette.IconDisc;
        canvas.DrawCircle(box.MidX, box.MidY, size / 2, disc);

        var stroke = paints.Stroke;
        stroke.Color = ink;
        stroke.StrokeWidth = size * 0.075f;
        var fill = paints.Fill;
        fill.Color = ink;

        SKPoint P(float x, float y) => new(box.Left + x * size, box.Top + y * size);

        switch (icon)
        {
            case ScreenIcon.Check:
                DrawCheck(canvas, paints, stroke, P);
                break;
            case ScreenIcon.RaisedHand:
                DrawPersonRaisingHand(canvas, stroke, fill, size, P);
                break;
            case ScreenIcon.QrCode:
                DrawQrSymbol(canvas, paints, fill, size, P);
                break;
            case ScreenIcon.QrCloser:
                DrawQrCloser(canvas, paints, stroke, fill, size, P);
                break;
            case ScreenIcon.Thermometer:
                DrawThermometer(canvas, paints, stroke, fill, size, P);
                break;
            case ScreenIcon.Pause:
                DrawPause(canvas, fill, size, P);
                break;
            case ScreenIcon.CardOnReader:
                DrawCardOnReader(canvas, paints, stroke, fill, size, P);
                break;
            case ScreenIcon.Bell:
                DrawBell(canvas, stroke, fill, size, P);
                break;
            case ScreenIcon.Warning:
            default:
                DrawWarningTriangle(canvas, paints, stroke, fill, size, P);
                break;
        }
    }

    private static void DrawCheck(SKCanvas canvas, Paints paints, SKPaint stroke, Func<float, float, SKPoint> p)
    {
        using var path = new SKPath();
        path.MoveTo(p(0.27f, 0.52f));
        path.LineTo(p(0.43f, 0.68f));
        path.LineTo(p(0.74f, 0.34f));
        var thick = paints.From(stroke, stroke.StrokeWidth * 1.35f);
        canvas.DrawPath(path, thick);
    }

    private static void DrawPersonRaisingHand(SKCanvas canvas, SKPaint stroke, SKPaint fill, float size, Func<float, float, SKPoint> p)
    {
        var head = p(0.44f, 0.33f);
        canvas.DrawCircle(head.X, head.Y, size * 0.1f, fill);

        // Shoulders and body: a rounded hump clipped by the disc's lower part.
        using var body = new SKPath();
        body.MoveTo(p(0.22f, 0.8f));
        body.CubicTo(p(0.22f, 0.5f), p(0.66f, 0.5f), p(0.66f, 0.8f));
        body.Close();
        canvas.DrawPath(body, fill);

        // The raised arm and open hand.
        using var arm = new SKPath();
        arm.MoveTo(p(0.6f, 0.56f));
        arm.LineTo(p(0.74f, 0.4f));
        arm.LineTo(p(0.74f, 0.22f));
        canvas.DrawPath(arm, stroke);
        canvas.DrawCircle(p(0.74f, 0.2f).X, p(0.74f, 0.2f).Y, size * 0.055f, fill);
    }

    private static void DrawQrSymbol(SKCanvas canvas, Paints paints, SKPaint fill, float size, Func<float, float, SKPoint> p)
    {
        void Finder(float x, float y)
        {
            var outer = SKRect.Create(p(x, y), new SKSize(size * 0.18f, size * 0.18f));
            var ring = paints.From(fill, size * 0.035f);
            ring.Style = SKPaintStyle.Stroke;
            outer.Inflate(-ring.StrokeWidth / 2, -ring.StrokeWidth / 2);
            canvas.DrawRect(outer, ring);
            canvas.DrawRect(SKRect.Create(p(x + 0.055f, y + 0.055f), new SKSize(size * 0.07f, size * 0.07f)), fill);
        }

        Finder(0.25f, 0.25f);
        Finder(0.57f, 0.25f);
        Finder(0.25f, 0.57f);
        var module = size * 0.05f;
        foreach (var (x, y) in new[] { (0.58f, 0.58f), (0.66f, 0.58f), (0.62f, 0.66f), (0.7f, 0.7f), (0.58f, 0.7f), (0.47f, 0.3f), (0.47f, 0.44f), (0.3f, 0.47f), (0.7f, 0.5f) })
        {
            canvas.DrawRect(SKRect.Create(p(x, y), new SKSize(module, module)), fill);
        }
    }

    /// <summary>The QR symbol at 0.6 of its size, and an arrow out of each corner: make it bigger, bring it closer.</summary>
    private static void DrawQrCloser(SKCanvas canvas, Paints paints, SKPaint stroke, SKPaint fill, float size, Func<float, float, SKPoint> p)
    {
        var centre = p(0.5f, 0.5f);
        canvas.Save();
        canvas.Scale(0.6f, 0.6f, centre.X, centre.Y);
        DrawQrSymbol(canvas, paints, fill, size, p);
        canvas.Restore();

        var arrow = paints.From(stroke, size * 0.04f);
        foreach (var (dx, dy) in new[] { (-1f, -1f), (1f, -1f), (-1f, 1f), (1f, 1f) })
        {
            var from = p(0.5f + dx * 0.18f, 0.5f + dy * 0.18f);
            var tip = p(0.5f + dx * 0.29f, 0.5f + dy * 0.29f);
            canvas.DrawLine(from, tip, arrow);
            canvas.DrawLine(tip, p(0.5f + dx * 0.19f, 0.5f + dy * 0.29f), arrow);
            canvas.DrawLine(tip, p(0.5f + dx * 0.29f, 0.5f + dy * 0.19f), arrow);
        }
    }

    private static void DrawThermometer(SKCanvas canvas, Paints paints, SKPaint stroke, SKPaint fill, float size, Func<float, float, SKPoint> p)
    {
        var outline = paints.From(stroke, size * 0.045f);
        var stem = new SKRect(p(0.44f, 0.18f).X, p(0.44f, 0.18f).Y, p(0.56f, 0.62f).X, p(0.56f, 0.62f).Y);
        canvas.DrawRoundRect(stem, size * 0.06f, size * 0.06f, outline);
        var bulb = p(0.5f, 0.7f);
        canvas.DrawCircle(bulb.X, bulb.Y, size * 0.11f, fill);
        canvas.DrawRect(new SKRect(p(0.48f, 0.4f).X, p(0.48f, 0.4f).Y, p(0.52f, 0.66f).X, p(0.52f, 0.66f).Y), fill);
        for (var i = 0; i < 4; i++)
        {
            var y = 0.24f + i * 0.09f;
            canvas.DrawLine(p(0.62f, y), p(0.7f, y), outline);
        }
    }

    /// <summary>An ID card (photo square and text lines) above the reader's slot, with an arrow down.</summary>
    private static void DrawCardOnReader(SKCanvas canvas, Paints paints, SKPaint stroke, SKPaint fill, float size, Func<float, float, SKPoint> p)
    {
        var outline = paints.From(stroke, size * 0.04f);
        var card = new SKRect(p(0.24f, 0.22f).X, p(0.24f, 0.22f).Y, p(0.76f, 0.54f).X, p(0.76f, 0.54f).Y);
        canvas.DrawRoundRect(card, size * 0.04f, size * 0.04f, outline);
        canvas.DrawRect(new SKRect(p(0.3f, 0.29f).X, p(0.3f, 0.29f).Y, p(0.42f, 0.46f).X, p(0.42f, 0.46f).Y), fill);
        for (var i = 0; i < 3; i++)
        {
            var y = 0.31f + i * 0.07f;
            canvas.DrawLine(p(0.48f, y), p(0.69f, y), outline);
        }

        // The arrow down to the reader, and the reader's face.
        canvas.DrawLine(p(0.5f, 0.58f), p(0.5f, 0.68f), outline);
        using var head = new SKPath();
        head.MoveTo(p(0.44f, 0.64f));
        head.LineTo(p(0.5f, 0.7f));
        head.LineTo(p(0.56f, 0.64f));
        canvas.DrawPath(head, outline);
        canvas.DrawRoundRect(new SKRect(p(0.22f, 0.74f).X, p(0.22f, 0.74f).Y, p(0.78f, 0.79f).X, p(0.78f, 0.79f).Y), size * 0.02f, size * 0.02f, fill);
    }

    private static void DrawBell(SKCanvas canvas, SKPaint stroke, SKPaint fill, float size, Func<float, float, SKPoint> p)
    {
        // The bell's body: a dome widening to a flared rim, the clapper under it and the knob on top.
        using var body = new SKPath();
        body.MoveTo(p(0.27f, 0.66f));
        body.CubicTo(p(0.33f, 0.6f), p(0.33f, 0.5f), p(0.34f, 0.44f));
        body.CubicTo(p(0.36f, 0.3f), p(0.44f, 0.25f), p(0.5f, 0.25f));
        body.CubicTo(p(0.56f, 0.25f), p(0.64f, 0.3f), p(0.66f, 0.44f));
        body.CubicTo(p(0.67f, 0.5f), p(0.67f, 0.6f), p(0.73f, 0.66f));
        body.Close();
        canvas.DrawPath(body, fill);
        canvas.DrawPath(body, stroke);
        canvas.DrawCircle(p(0.5f, 0.72f), size * 0.055f, fill);
        canvas.DrawCircle(p(0.5f, 0.22f), size * 0.035f, fill);
    }

    private static void DrawPause(SKCanvas canvas, SKPaint fill, float size, Func<float, float, SKPoint> p)
    {
        var r = size * 0.03f;
        canvas.DrawRoundRect(new SKRect(p(0.34f, 0.3f).X, p(0.34f, 0.3f).Y, p(0.45f, 0.7f).X, p(0.45f, 0.7f).Y), r, r, fill);
        canvas.DrawRoundRect(new SKRect(p(0.55f, 0.3f).X, p(0.55f, 0.3f).Y, p(0.66f, 0.7f).X, p(0.66f, 0.7f).Y), r, r, fill);
    }

    private static void DrawWarningTriangle(SKCanvas canvas, Paints paints, SKPaint stroke, SKPaint fill, float size, Func<float, float, SKPoint> p)
    {
        using var triangle = new SKPath();
        triangle.MoveTo(p(0.5f, 0.2f));
        triangle.LineTo(p(0.8f, 0.74f));
        triangle.LineTo(p(0.2f, 0.74f));
        triangle.Close();
        var outline = paints.From(stroke, size * 0.05f);
        canvas.DrawPath(triangle, outline);
        canvas.DrawLine(p(0.5f, 0.38f), p(0.5f, 0.56f), outline);
        var dot = p(0.5f, 0.65f);
        canvas.DrawCircle(dot.X, dot.Y, size * 0.032f, fill);
    }
}
