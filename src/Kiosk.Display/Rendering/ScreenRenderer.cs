using System.Globalization;
using SkiaSharp;

namespace Kiosk.Display.Rendering;

/// <summary>
/// Draws a <see cref="ScreenModel"/> to pixels: first a <see cref="ScreenLayout"/> (<see cref="Layout"/>), then exactly
/// that. The arrangement follows the panel's shape: landscape panels (800×480, 1024×600, 1280×800, 1920×1080) put the
/// icon left of the text, portrait panels (600×1024, 800×1280, 1080×1920) put it above the text, centred. Sizes scale
/// with the panel's shorter side (designed for a 7" 800×480 panel read at 1 m). Keeps one frame bitmap and reuses it
/// (not thread-safe: one renderer per display loop).
/// </summary>
public sealed class ScreenRenderer : IDisposable
{
    /// <summary>The design's shorter side: sizes are in pixels of an 800×480 panel, times <see cref="ScreenLayout.Unit"/>.</summary>
    public const float DesignSide = 480f;

    /// <summary>The smallest text of the text block at the design size (English lines, hints, the detail): 24 px at 800×480.</summary>
    public const float MinTextSize = 24f;

    /// <summary>The smallest Chinese headline at the design size before a headline wraps.</summary>
    public const float MinHeadlineSize = 42f;

    /// <summary>English is never drawn smaller than this part of the Chinese of the same line.</summary>
    public const float EnglishToChinese = 0.8f;

    /// <summary>Skia's glyph cache: its 2 MiB default holds about a hundred CJK glyphs at a 1080×1920 panel's sizes (150 px).</summary>
    public const long FontCacheBytes = 24L * 1024 * 1024;

    private readonly SKBitmap _frame;
    private readonly SKCanvas _canvas;
    private readonly SKFont _font;
    private readonly SKPaint _textPaint;
    private readonly SKPaint _stripPaint = new() { Color = Palette.StripBackground, Style = SKPaintStyle.Fill };
    private readonly SKPaint _shapePaint = new() { IsAntialias = true };
    private readonly ScreenIcons.Paints _iconPaints = new();
    private readonly LayoutCache _layouts = new();

    /// <summary>Creates a renderer for frames of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public ScreenRenderer(int width, int height)
    {
        if (width < 160 || height < 96 || width > 7680 || height > 4320)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"screen size {width}x{height} is outside 160x96 .. 7680x4320");
        }

        Width = width;
        Height = height;
        if (SKGraphics.GetFontCacheLimit() < FontCacheBytes)
        {
            SKGraphics.SetFontCacheLimit(FontCacheBytes);
        }

        _frame = new SKBitmap(new SKImageInfo(width, height, SKColorType.Bgra8888, SKAlphaType.Opaque));
        _canvas = new SKCanvas(_frame);
        _font = new SKFont(KioskTypeface.Default) { Edging = SKFontEdging.Antialias, Subpixel = true, Hinting = SKFontHinting.None };
        _textPaint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
    }

    /// <summary>Frame width in pixels.</summary>
    public int Width { get; }

    /// <summary>Frame height in pixels.</summary>
    public int Height { get; }

    /// <summary>The frame is portrait (taller than wide): icon above the text.</summary>
    public bool Portrait => Height > Width;

    private float Unit => Math.Min(Width, Height) / DesignSide;

    /// <summary>
    /// Draws <paramref name="model"/> and returns the frame (BGRA8888, opaque). The bitmap belongs to the renderer
    /// and is overwritten by the next call.
    /// </summary>
    public SKBitmap Render(ScreenModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Draw(Layout(model), model);
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

    /// <summary>
    /// Lays <paramref name="model"/> out on this renderer's panel without drawing it. The same screen (equal model: the
    /// same texts, strip, language) is laid out once: its layout is kept (<see cref="LayoutCache"/>), so a redraw or the
    /// next visitor's same screen measures no text again.
    /// </summary>
    public ScreenLayout Layout(ScreenModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _layouts.GetOrAdd(model, LayoutNow);
    }

    private ScreenLayout LayoutNow(ScreenModel model)
    {
        var u = Unit;
        var background = Palette.Background(model.Tone);
        var runs = new List<TextRun>();
        var shapes = new List<SKRect>();
        var strip = LayoutStrip(model.Status, model.Language, runs, shapes);

        var pad = (Portrait ? 22f : 30f) * u;
        var contentTop = strip.Bottom;
        var contentHeight = Height - contentTop;
        SKRect icon;
        SKRect text;
        if (Portrait)
        {
            var iconSize = MathF.Min(Width * 0.36f, contentHeight * 0.26f);
            icon = SKRect.Create((Width - iconSize) / 2, contentTop + pad * 1.5f, iconSize, iconSize);
            text = new SKRect(pad, icon.Bottom + pad, Width - pad, Height - pad);
        }
        else
        {
            var iconSize = MathF.Min(Width * 0.22f, contentHeight * 0.5f);
            icon = SKRect.Create(pad, contentTop + (contentHeight - iconSize) / 2, iconSize, iconSize);
            text = new SKRect(icon.Right + pad, contentTop + pad * 0.5f, Width - pad, Height - pad * 0.5f);
        }

        var fitted = LayoutTextBlock(BuildLines(model), text, Portrait, background, runs, shapes);
        return new ScreenLayout(Width, Height, Portrait, u, strip, icon, text, background, runs, shapes, fitted);
    }

    private void Draw(ScreenLayout layout, ScreenModel model)
    {
        _canvas.Clear(layout.Background);
        _canvas.DrawRect(layout.StripBox, _stripPaint);
        ScreenIcons.Draw(_canvas, model.Icon, layout.IconBox, layout.Background, _iconPaints);

        foreach (var run in layout.Runs)
        {
            Configure(run.Size, run.Bold, run.Typeface);
            _textPaint.Color = run.Color;
            _canvas.DrawText(run.Text, run.X, run.Baseline, SKTextAlign.Left, _font, _textPaint);
        }

        foreach (var shape in layout.Shapes)
        {
            DrawShape(layout, shape, model.Status.Online);
        }
    }

    /// <summary>The strip's dot (filled online, hollow offline) and the 代 box, told apart by where they are.</summary>
    private void DrawShape(ScreenLayout layout, SKRect shape, bool online)
    {
        if (layout.StripBox.Contains(shape))
        {
            var size = shape.Height;
            var dot = _shapePaint;
            dot.Color = Palette.StripText;
            dot.StrokeWidth = MathF.Max(1.5f, size * 0.2f);
            dot.Style = online ? SKPaintStyle.Fill : SKPaintStyle.Stroke;
            var r = online ? size / 2 : (size - dot.StrokeWidth) / 2;
            _canvas.DrawCircle(shape.MidX, shape.MidY, r, dot);
            return;
        }

        var height = shape.Height;
        var frame = _shapePaint;
        frame.Style = SKPaintStyle.Stroke;
        frame.StrokeWidth = MathF.Max(2f, height * 0.06f);
        frame.Color = Palette.TextOn(layout.Background);
        var inset = frame.StrokeWidth / 2;
        var box = new SKRect(shape.Left + inset, shape.Top + inset, shape.Right - inset, shape.Bottom - inset);
        _canvas.DrawRoundRect(box, height * 0.15f, height * 0.15f, frame);
    }

    /// <summary>One line of the text block before wrapping.</summary>
    private readonly record struct TextLine(string Text, TextRole Role, ScreenLanguage Language, float Size, bool Bold, float GapBefore, bool Words, float Floor, int Pair, bool ProxyBadge = false, SKTypeface? Typeface = null);

    /// <summary>The headline, the masked name (with the 代 mark), the model's lines, the detail: top to bottom.</summary>
    private List<TextLine> BuildLines(ScreenModel model)
    {
        var u = Unit * DesignSide;
        var lines = new List<TextLine>();
        var lang = model.Language;
        var pair = 0;

        void Add(ScreenLine line, TextRole role)
        {
            pair++;
            var gap = line.GapBefore * u;
            var floor = role == TextRole.Headline ? MinHeadlineSize * Unit : MinTextSize * Unit;
            if (lang != ScreenLanguage.English)
            {
                lines.Add(new TextLine(line.Text.Zh, role, ScreenLanguage.Chinese, line.ZhSize * u, line.Bold, gap, true, floor, pair));
                gap = 0.004f * u;
            }

            if (lang != ScreenLanguage.Chinese)
            {
                var en = MathF.Max(line.EnSize, lang == ScreenLanguage.Both ? line.ZhSize * EnglishToChinese : 0) * u;
                lines.Add(new TextLine(line.Text.En, role, ScreenLanguage.English, en, line.Bold, gap, true, MathF.Max(MinTextSize * Unit, role == TextRole.Headline ? floor * EnglishToChinese : 0), pair));
            }
        }

        Add(model.Headline, TextRole.Headline);
        AddIdentity(lines, model, u);
        foreach (var line in model.Lines)
        {
            Add(line, line.Secondary ? TextRole.Hint : TextRole.Body);
        }

        if (!string.IsNullOrWhiteSpace(model.Detail))
        {
            lines.Add(new TextLine(model.Detail.Trim(), TextRole.Detail, ScreenLanguage.Both, 0.052f * u, false, 0.04f * u, false, MinTextSize * Unit, -1));
        }

        return lines;
    }

    private void AddIdentity(List<TextLine> lines, ScreenModel model, float u)
    {
        if (!string.IsNullOrWhiteSpace(model.MaskedName))
        {
            // A name may hold any character of GB 18030: the system's full CJK face draws what the subset lacks.
            var name = model.MaskedName.Trim();
            lines.Add(new TextLine(name, TextRole.Name, ScreenLanguage.Both, 0.095f * u, true, 0.05f * u, false, 36f * Unit, -1, model.Proxy, KioskTypeface.ForText(name)));
        }
        else if (model.Proxy)
        {
            lines.Add(new TextLine(string.Empty, TextRole.Name, ScreenLanguage.Both, 0.095f * u, true, 0.05f * u, false, 36f * Unit, -1, ProxyBadge: true));
        }

        if (model.Proxy)
        {
            if (model.Language != ScreenLanguage.English)
            {
                lines.Add(new TextLine(ScreenText.ProxyNote.Zh, TextRole.Note, ScreenLanguage.Chinese, 0.055f * u, false, 0.008f * u, true, MinTextSize * Unit, -2));
            }

            if (model.Language != ScreenLanguage.Chinese)
            {
                lines.Add(new TextLine(ScreenText.ProxyNote.En, TextRole.Note, ScreenLanguage.English, 0.05f * u, false, 0.004f * u, true, MinTextSize * Unit, -2));
            }
        }
    }

    /// <summary>
    /// Lays the text block out in <paramref name="box"/>: headlines shrink to stay on one line (down to the
    /// headline's minimum, then they wrap between words), then the whole block shrinks until it fits, no text below
    /// its minimum; only if it still does not fit is it shrunk further (returns false).
    /// </summary>
    private bool LayoutTextBlock(List<TextLine> lines, SKRect box, bool centred, SKColor background, List<TextRun> runs, List<SKRect> shapes)
    {
        var maxWidth = box.Width;
        for (var scale = 1f; ; scale *= 0.95f)
        {
            var withFloors = scale >= 0.5f;
            var placed = new List<(TextLine Line, TextWrap.Line Part, float Size, float Top)>();
            var sizes = new Dictionary<int, float>();
            var y = 0f;
            var forcedBreak = false;
            foreach (var line in lines)
            {
                var size = line.Size * scale;
                if (withFloors)
                {
                    size = MathF.Max(size, line.Floor);
                }

                if (line.Role == TextRole.Headline && line.Language == ScreenLanguage.English && sizes.TryGetValue(line.Pair, out var zh))
                {
                    size = MathF.Max(size, zh * EnglishToChinese);
                }

                Configure(size, line.Bold, line.Typeface);
                var badge = line.ProxyBadge ? BadgeWidth(size) : 0f;
                if (line.Role == TextRole.Headline && line.Text.Length > 0)
                {
                    // One line where the width allows: shrink the headline to fit, not below its minimum.
                    var width = _font.MeasureText(line.Text);
                    if (width > maxWidth)
                    {
                        var fit = size * maxWidth / width * 0.995f;
                        var floor = withFloors ? line.Floor : 0f;
                        if (line.Language == ScreenLanguage.English && sizes.TryGetValue(line.Pair, out var zhSize))
                        {
                            floor = MathF.Max(floor, zhSize * EnglishToChinese);
                        }

                        size = MathF.Max(fit, floor);
                        Configure(size, line.Bold);
                        if (fit < floor && withFloors)
                        {
                            // At its minimum it would still have to break inside a word: smaller, but whole.
                            TextWrap.Wrap(line.Text, _font, maxWidth, line.Words, out var inside);
                            if (inside)
                            {
                                size = MathF.Max(fit, MinTextSize * Unit);
                                Configure(size, line.Bold);
                            }
                        }
                    }
                }

                if (line.Language == ScreenLanguage.Chinese)
                {
                    sizes[line.Pair] = size;
                }

                y += line.GapBefore * MathF.Min(1f, scale);
                var forced = false;
                var parts = line.Text.Length == 0
                    ? [new TextWrap.Line(string.Empty, 0)]
                    : TextWrap.Wrap(line.Text, _font, maxWidth - badge, line.Words, out forced);
                forcedBreak |= forced;

                foreach (var part in parts)
                {
                    placed.Add((line, part, size, y));
                    y += size * 1.25f;
                }
            }

            var fits = y <= box.Height && !forcedBreak;
            if (fits || scale < 0.3f)
            {
                var offset = box.Top + MathF.Max(0, (box.Height - y) / 2);
                foreach (var (line, part, size, top) in placed)
                {
                    Configure(size, line.Bold, line.Typeface);
                    var baseline = offset + top + size * 0.95f;
                    var color = line.Role is TextRole.Hint or TextRole.Detail or TextRole.Note ? Palette.SecondaryOn(background) : Palette.TextOn(background);
                    var width = part.Text.Length == 0 ? 0f : _font.MeasureText(part.Text, out var ink);
                    var badgeWidth = line.ProxyBadge ? BadgeWidth(size) - (part.Text.Length == 0 ? size * 0.4f : 0f) : 0f;
                    var x = centred ? box.MidX - (width + badgeWidth) / 2 : box.Left;
                    if (part.Text.Length > 0)
                    {
                        // Keep the ink inside: a glyph such as "Y" reaches left of its origin.
                        _font.MeasureText(part.Text, out ink);
                        x = MathF.Max(x, box.Left - ink.Left);
                        x = MathF.Min(x, box.Right - ink.Right - badgeWidth);
                        runs.Add(new TextRun(part.Text, line.Role, line.Language, size, line.Bold, x, baseline, Offset(ink, x, baseline), line.Text, part.Start, color, background, line.Typeface ?? KioskTypeface.Default));
                    }

                    if (line.ProxyBadge)
                    {
                        var left = x + width + (width > 0 ? size * 0.4f : 0f);
                        var badgeBox = new SKRect(left, baseline - size * 0.95f, left + size * 1.2f, baseline + size * 0.2f);
                        shapes.Add(badgeBox);
                        Configure(size * 0.8f, true);
                        var mark = ScreenText.ProxyMark.Zh;
                        var markWidth = _font.MeasureText(mark, out var markInk);
                        var markX = badgeBox.MidX - markWidth / 2;
                        var markBaseline = baseline - size * 0.08f;
                        runs.Add(new TextRun(mark, TextRole.Badge, ScreenLanguage.Chinese, size * 0.8f, true, markX, markBaseline, Offset(markInk, markX, markBaseline), mark, 0, Palette.TextOn(background), background, KioskTypeface.Default));
                    }
                }

                return fits && withFloors;
            }
        }
    }

    private static SKRect Offset(SKRect ink, float x, float baseline) => new(ink.Left + x, ink.Top + baseline, ink.Right + x, ink.Bottom + baseline);

    private static float BadgeWidth(float size) => size * 1.7f;

    private void Configure(float size, bool bold, SKTypeface? typeface = null)
    {
        _font.Typeface = typeface ?? KioskTypeface.Default;
        _font.Size = size;
        _font.Embolden = bold;
    }

    /// <summary>
    /// The strip: time, connectivity (a dot, filled online, hollow offline, and the word), the data's age and the kiosk
    /// id. On one row when they fit, else on two (time and id, then link and data), smaller until they fit.
    /// </summary>
    private SKRect LayoutStrip(StatusStrip status, ScreenLanguage lang, List<TextRun> runs, List<SKRect> shapes)
    {
        var u = Unit;
        var pad = 14f * u;
        var gap = 18f * u;

        string Pick(Bilingual b) => lang switch
        {
            ScreenLanguage.Chinese => b.Zh,
            ScreenLanguage.English => b.En,
            _ => $"{b.Zh} {b.En}",
        };

        var time = status.LocalTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var connectivity = Pick(status.Online ? ScreenText.StatusOnline : ScreenText.StatusOffline);
        var data = $"{Pick(ScreenText.StatusData)} {status.DataAge ?? Pick(ScreenText.StatusNeverSynced)}";
        var id = status.KioskId;

        for (var size = 20f * u; ; size *= 0.93f)
        {
            Configure(size, false);
            var dot = size * 0.6f;
            var wTime = _font.MeasureText(time);
            var wConn = dot + size * 0.3f + _font.MeasureText(connectivity);
            var wData = _font.MeasureText(data);
            var wId = _font.MeasureText(id);
            var room = Width - 2 * pad;
            var rowHeight = size * 2.05f;
            int rows;
            if (wTime + wConn + wData + wId + 3 * gap <= room)
            {
                rows = 1;
            }
            else if (MathF.Max(wTime + wId, wConn + wData) + gap <= room || size < 6f * u)
            {
                rows = 2;
            }
            else
            {
                continue;
            }

            var height = MathF.Round(rowHeight * rows);
            var baseline1 = rowHeight / 2 + size * 0.36f;
            var baseline2 = rows == 2 ? rowHeight + baseline1 : baseline1;
            Place(time, pad, baseline1, size);
            Place(id, Width - pad - wId, baseline1, size);
            var connX = rows == 1 ? pad + wTime + gap : pad;
            shapes.Add(SKRect.Create(connX, baseline2 - size * 0.35f - dot / 2, dot, dot));
            Place(connectivity, connX + dot + size * 0.3f, baseline2, size);
            var dataX = rows == 1 ? connX + wConn + gap : Width - pad - wData;
            Place(data, dataX, baseline2, size);
            return new SKRect(0, 0, Width, height);
        }

        void Place(string text, float x, float baseline, float size)
        {
            _font.MeasureText(text, out var ink);
            runs.Add(new TextRun(text, TextRole.Strip, lang, size, false, x, baseline, Offset(ink, x, baseline), text, 0, Palette.StripText, Palette.StripBackground, KioskTypeface.Default));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stripPaint.Dispose();
        _shapePaint.Dispose();
        _iconPaints.Dispose();
        _textPaint.Dispose();
        _font.Dispose();
        _canvas.Dispose();
        _frame.Dispose();
    }
}
