using System.Globalization;
using SkiaSharp;

namespace Kiosk.Display.Rendering;

/// <summary>
/// Draws a <see cref="ScreenModel"/> to pixels. The layout is proportional to the frame size: designed for a 7"
/// 800×480 panel read at 1 m and scaled to 1920×1080. Keeps one frame bitmap and reuses it (not thread-safe: one
/// renderer per display loop).
/// </summary>
public sealed class ScreenRenderer : IDisposable
{
    private readonly SKBitmap _frame;
    private readonly SKCanvas _canvas;
    private readonly SKFont _font;
    private readonly SKPaint _textPaint;

    /// <summary>Creates a renderer for frames of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public ScreenRenderer(int width, int height)
    {
        if (width < 160 || height < 96 || width > 7680 || height > 4320)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"screen size {width}x{height} is outside 160x96 .. 7680x4320");
        }

        Width = width;
        Height = height;
        _frame = new SKBitmap(new SKImageInfo(width, height, SKColorType.Bgra8888, SKAlphaType.Opaque));
        _canvas = new SKCanvas(_frame);
        _font = new SKFont(KioskTypeface.Default) { Edging = SKFontEdging.Antialias, Subpixel = true, Hinting = SKFontHinting.None };
        _textPaint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
    }

    /// <summary>Frame width in pixels.</summary>
    public int Width { get; }

    /// <summary>Frame height in pixels.</summary>
    public int Height { get; }

    /// <summary>
    /// Draws <paramref name="model"/> and returns the frame (BGRA8888, opaque). The bitmap belongs to the renderer
    /// and is overwritten by the next call.
    /// </summary>
    public SKBitmap Render(ScreenModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Draw(model);
        _canvas.Flush();
        return _frame;
    }

    /// <summary>Renders <paramref name="model"/> to PNG bytes.</summary>
    public byte[] RenderPng(ScreenModel model)
    {
        var frame = Render(model);
        using var data = frame.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private void Draw(ScreenModel model)
    {
        var background = Palette.Background(model.Tone);
        _canvas.Clear(background);

        var stripHeight = MathF.Round(Height * 0.085f);
        DrawStatusStrip(model.Status, model.Language, stripHeight);

        var pad = Width * 0.045f;
        var contentTop = stripHeight;
        var contentHeight = Height - stripHeight;
        var iconSize = MathF.Min(Width * 0.26f, contentHeight * 0.58f);
        var iconBox = SKRect.Create(pad, contentTop + (contentHeight - iconSize) / 2, iconSize, iconSize);
        ScreenIcons.Draw(_canvas, model.Icon, iconBox, background);

        var textLeft = iconBox.Right + pad;
        var textRight = Width - pad;
        DrawTextBlock(BuildLines(model), textLeft, textRight, contentTop + pad * 0.5f, Height - pad * 0.5f);
    }

    /// <summary>One line of the text block before wrapping.</summary>
    private readonly record struct TextLine(string Text, float Size, bool Bold, bool Secondary, float GapBefore, bool ProxyBadge = false);

    /// <summary>The headline, the masked name (with the 代 mark), the model's lines, the detail: top to bottom.</summary>
    private List<TextLine> BuildLines(ScreenModel model)
    {
        var h = Height;
        var lines = new List<TextLine>();
        var lang = model.Language;

        void Add(ScreenLine line)
        {
            var gap = line.GapBefore;
            if (lang != ScreenLanguage.English)
            {
                lines.Add(new TextLine(line.Text.Zh, line.ZhSize * h, line.Bold, line.Secondary, gap * h));
                gap = 0.005f;
            }

            if (lang != ScreenLanguage.Chinese)
            {
                lines.Add(new TextLine(line.Text.En, line.EnSize * h, line.Bold, line.Secondary, gap * h));
            }
        }

        Add(model.Headline);
        AddIdentity(lines, model, h);
        foreach (var line in model.Lines)
        {
            Add(line);
        }

        AddDetail(lines, model, h);
        return lines;
    }

    private static void AddIdentity(List<TextLine> lines, ScreenModel model, int h)
    {
        if (!string.IsNullOrWhiteSpace(model.MaskedName))
        {
            lines.Add(new TextLine(model.MaskedName.Trim(), 0.095f * h, true, false, 0.06f * h, model.Proxy));
        }
        else if (model.Proxy)
        {
            lines.Add(new TextLine(string.Empty, 0.095f * h, true, false, 0.06f * h, ProxyBadge: true));
        }

        if (model.Proxy)
        {
            var note = model.Language switch
            {
                ScreenLanguage.Chinese => ScreenText.ProxyNote.Zh,
                ScreenLanguage.English => ScreenText.ProxyNote.En,
                _ => $"{ScreenText.ProxyNote.Zh} · {ScreenText.ProxyNote.En}",
            };
            lines.Add(new TextLine(note, 0.045f * h, false, true, 0.01f * h));
        }
    }

    private static void AddDetail(List<TextLine> lines, ScreenModel model, int h)
    {
        if (!string.IsNullOrWhiteSpace(model.Detail))
        {
            lines.Add(new TextLine(model.Detail.Trim(), 0.042f * h, false, true, 0.05f * h));
        }
    }

    private void DrawTextBlock(List<TextLine> lines, float left, float right, float top, float bottom)
    {
        var maxWidth = right - left;

        // Wrap, then shrink everything together until the block fits the height.
        for (var scale = 1f; ; scale *= 0.92f)
        {
            var laidOut = new List<(string Text, TextLine Line, float Size, float Y)>();
            var y = 0f;
            foreach (var line in lines)
            {
                var size = line.Size * scale;
                Configure(size, line.Bold);
                var badge = line.ProxyBadge ? BadgeWidth(size) : 0f;
                y += line.GapBefore * scale;
                var wrapped = line.Text.Length == 0 ? [string.Empty] : TextWrap.Wrap(line.Text, _font, maxWidth - badge);
                foreach (var part in wrapped)
                {
                    y += size * 1.22f;
                    laidOut.Add((part, line, size, y));
                }
            }

            if (y <= bottom - top || scale < 0.4f)
            {
                var offset = top + MathF.Max(0, (bottom - top - y) / 2);
                foreach (var (text, line, size, baseline) in laidOut)
                {
                    Configure(size, line.Bold);
                    _textPaint.Color = line.Secondary ? Palette.TextSecondary : Palette.Text;
                    var yBase = offset + baseline - size * 0.28f;
                    var textWidth = text.Length == 0 ? 0f : _font.MeasureText(text);
                    if (text.Length > 0)
                    {
                        _canvas.DrawText(text, left, yBase, SKTextAlign.Left, _font, _textPaint);
                    }

                    if (line.ProxyBadge)
                    {
                        DrawProxyBadge(left + textWidth + (textWidth > 0 ? size * 0.4f : 0f), yBase, size);
                    }
                }

                return;
            }
        }
    }

    private float BadgeWidth(float size) => size * 1.7f;

    /// <summary>The "代" mark: the character in a rounded box after the masked name.</summary>
    private void DrawProxyBadge(float x, float baseline, float size)
    {
        var box = new SKRect(x, baseline - size * 0.95f, x + size * 1.2f, baseline + size * 0.2f);
        using var frame = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = MathF.Max(2f, size * 0.07f), Color = Palette.Text };
        _canvas.DrawRoundRect(box, size * 0.18f, size * 0.18f, frame);
        Configure(size * 0.8f, true);
        _textPaint.Color = Palette.Text;
        _canvas.DrawText(ScreenText.ProxyMark.Zh, box.MidX, baseline - size * 0.08f, SKTextAlign.Center, _font, _textPaint);
    }

    private void Configure(float size, bool bold)
    {
        _font.Size = size;
        _font.Embolden = bold;
    }

    private void DrawStatusStrip(StatusStrip status, ScreenLanguage lang, float stripHeight)
    {
        using var strip = new SKPaint { Color = Palette.StripBackground, Style = SKPaintStyle.Fill };
        _canvas.DrawRect(0, 0, Width, stripHeight, strip);

        var size = stripHeight * 0.5f;
        Configure(size, false);
        _textPaint.Color = Palette.StripText;
        var baseline = stripHeight * 0.5f + size * 0.36f;
        var pad = Width * 0.02f;

        string Pick(Bilingual b) => lang switch
        {
            ScreenLanguage.Chinese => b.Zh,
            ScreenLanguage.English => b.En,
            _ => $"{b.Zh} {b.En}",
        };

        // Left: time. Right: kiosk id. Between: connectivity (filled vs hollow dot) and data age.
        var time = status.LocalTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        _canvas.DrawText(time, pad, baseline, SKTextAlign.Left, _font, _textPaint);
        var x = pad + _font.MeasureText(time) + Width * 0.04f;

        using var dot = new SKPaint { IsAntialias = true, Color = Palette.StripText, StrokeWidth = MathF.Max(1.5f, size * 0.12f) };
        dot.Style = status.Online ? SKPaintStyle.Fill : SKPaintStyle.Stroke;
        var r = size * 0.3f;
        _canvas.DrawCircle(x + r, baseline - size * 0.35f, r, dot);
        x += r * 2 + size * 0.3f;
        var connectivity = Pick(status.Online ? ScreenText.StatusOnline : ScreenText.StatusOffline);
        _canvas.DrawText(connectivity, x, baseline, SKTextAlign.Left, _font, _textPaint);
        x += _font.MeasureText(connectivity) + Width * 0.04f;

        var age = status.DataAge ?? Pick(ScreenText.StatusNeverSynced);
        var data = $"{Pick(ScreenText.StatusData)} {age}";
        _canvas.DrawText(data, x, baseline, SKTextAlign.Left, _font, _textPaint);

        _canvas.DrawText(status.KioskId, Width - pad, baseline, SKTextAlign.Right, _font, _textPaint);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _textPaint.Dispose();
        _font.Dispose();
        _canvas.Dispose();
        _frame.Dispose();
    }
}
