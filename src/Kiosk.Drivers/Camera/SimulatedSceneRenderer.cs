using System.Runtime.Intrinsics;
using Kiosk.Drivers.QrDecoding;
using SkiaSharp;
using ZXing.QrCode.Internal;

namespace Kiosk.Drivers.Camera;

/// <summary>
/// Renders a <see cref="SimulatedScene"/> as the camera's luminance plane with SkiaSharp: a hall in the background,
/// a phone whose screen shows the code (ZXing's QR encoder gives the module matrix), the phone's pose (scale, rotation,
/// perspective), defocus blur, a glare spot, the screen's moiré, exposure and sensor noise. Deterministic per seed and frame index.
/// A still scene is rendered once and only the noise changes per frame; the last few scenes drawn are kept (by value:
/// the empty hall between two visitors, a code shown again in the same pose) and not drawn again.
/// </summary>
public sealed class SimulatedSceneRenderer
{
    private const int NoiseTableSize = 1 << 16;
    private readonly int _width;
    private readonly int _height;
    private const int CachedScenes = 8;
    private readonly List<(SimulatedScene Scene, byte[] Luma)> _cache = new(CachedScenes);
    private readonly List<(int Seed, int Scale, short[] Table)> _noiseTables = new(CachedScenes);

    /// <summary>A renderer of <paramref name="width"/> × <paramref name="height"/> frames.</summary>
    public SimulatedSceneRenderer(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 64);
        _width = width;
        _height = height;
    }

    /// <summary>Frame width.</summary>
    public int Width => _width;

    /// <summary>Frame height.</summary>
    public int Height => _height;

    /// <summary>Renders frame <paramref name="frameIndex"/> of the scene into <paramref name="destination"/> (stride = width).</summary>
    public void Render(SimulatedScene scene, long frameIndex, byte[] destination)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Length < _width * _height)
        {
            throw new ArgumentException("Destination smaller than width × height.", nameof(destination));
        }

        var (style, noise) = scene switch
        {
            SimulatedScene.QrText q => (q.Style, q.Style.Noise),
            SimulatedScene.Image i => (i.Style, i.Style.Noise),
            _ => ((SceneStyle?)null, 1.5),
        };

        byte[] baseLuma;
        if (scene is SimulatedScene.Empty { Motion: true })
        {
            // A passer-by: every frame differs and none is kept; one buffer serves them all.
            baseLuma = RenderLuma(scene, frameIndex, _motionLuma ??= new byte[_width * _height]);
        }
        else
        {
            baseLuma = Cached(scene);
        }

        AddNoise(baseLuma, destination, noise, style?.Seed ?? 7, frameIndex);
    }

    // The still base of a scene, most recently used first. Drawing is deterministic, so an equal scene has equal pixels.
    private byte[] Cached(SimulatedScene scene)
    {
        for (var i = 0; i < _cache.Count; i++)
        {
            if (_cache[i].Scene.Equals(scene))
            {
                var hit = _cache[i];
                _cache.RemoveAt(i);
                _cache.Insert(0, hit);
                return hit.Luma;
            }
        }

        // The scene dropped from the cache gives its buffer to the new one: no new 1 MB array per scene.
        byte[]? recycled = null;
        if (_cache.Count == CachedScenes)
        {
            recycled = _cache[CachedScenes - 1].Luma;
            _cache.RemoveAt(CachedScenes - 1);
        }

        var luma = RenderLuma(scene, 0, recycled);
        _cache.Insert(0, (scene, luma));
        return luma;
    }

    /// <summary>Renders frame 0 of a scene into a new buffer.</summary>
    public byte[] Render(SimulatedScene scene)
    {
        var buffer = new byte[_width * _height];
        Render(scene, 0, buffer);
        return buffer;
    }

    private void AddNoise(byte[] source, byte[] destination, double sigma, int seed, long frameIndex)
    {
        var n = _width * _height;
        if (sigma <= 0)
        {
            Buffer.BlockCopy(source, 0, destination, 0, n);
            return;
        }

        var scaled = ScaledNoise(seed, (int)Math.Round(sigma * 16));
        var offset = (int)((frameIndex * 7919) & (NoiseTableSize - 1));
        var stepRow = 1 + (int)(frameIndex % 13);
        for (var y = 0; y < _height; y++)
        {
            var o = y * _width;
            var t = (offset + y * 4093 * stepRow) & (NoiseTableSize - 1);

            // The row's noise runs from t to the end of the table, then wraps to its start.
            var first = Math.Min(_width, NoiseTableSize - t);
            AddRow(source.AsSpan(o, first), scaled.AsSpan(t, first), destination.AsSpan(o, first));
            if (first < _width)
            {
                AddRow(source.AsSpan(o + first, _width - first), scaled.AsSpan(0, _width - first), destination.AsSpan(o + first, _width - first));
            }
        }
    }

    // Every drawn frame: 16 pixels at a time (SSE2 here, NEON on the Pi), widened to 16 bits, clamped to 0..255 and
    // narrowed back; exactly the scalar loop's values (the tail runs it).
    internal static void AddRow(ReadOnlySpan<byte> source, ReadOnlySpan<short> noise, Span<byte> destination)
    {
        var x = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var max = Vector128.Create((short)255);
            for (; x <= source.Length - Vector128<byte>.Count; x += Vector128<byte>.Count)
            {
                var (low, high) = Vector128.Widen(Vector128.Create(source.Slice(x, Vector128<byte>.Count)));
                var a = Vector128.Min(Vector128.Max(low.AsInt16() + Vector128.Create(noise.Slice(x, Vector128<short>.Count)), Vector128<short>.Zero), max);
                var b = Vector128.Min(Vector128.Max(high.AsInt16() + Vector128.Create(noise.Slice(x + Vector128<short>.Count, Vector128<short>.Count)), Vector128<short>.Zero), max);
                Vector128.Narrow(a.AsUInt16(), b.AsUInt16()).CopyTo(destination.Slice(x, Vector128<byte>.Count));
            }
        }

        for (; x < source.Length; x++)
        {
            var v = source[x] + noise[x];
            destination[x] = (uint)v <= 255 ? (byte)v : v < 0 ? (byte)0 : (byte)255;
        }
    }

    // The noise table of a seed (sums of four uniforms: close enough to Gaussian, unit variance after scaling), already
    // multiplied by the sigma's scale: value = (noise × scale) >> 8 grey levels. The last few (seed, scale) pairs are kept.
    private short[] ScaledNoise(int seed, int scale)
    {
        foreach (var (s, k, table) in _noiseTables)
        {
            if (s == seed && k == scale)
            {
                return table;
            }
        }

        var r = new Random(seed);
        var scaled = new short[NoiseTableSize];
        for (var i = 0; i < scaled.Length; i++)
        {
            var g = (r.NextDouble() + r.NextDouble() + r.NextDouble() + r.NextDouble() - 2.0) * 1.732;
            var noise = (sbyte)Math.Clamp(Math.Round(g * 16), -127, 127);
            scaled[i] = (short)((noise * scale) >> 8);
        }

        if (_noiseTables.Count == CachedScenes)
        {
            _noiseTables.RemoveAt(0);
        }

        _noiseTables.Add((seed, scale, scaled));
        return scaled;
    }

    // The RGBA frame scenes are drawn on, kept from one scene to the next (the wall is copied over all of it first).
    private SKBitmap? _drawing;
    private byte[]? _motionLuma;

    private byte[] RenderLuma(SimulatedScene scene, long frameIndex, byte[]? recycled)
    {
        var bitmap = _drawing ??= new SKBitmap(new SKImageInfo(_width, _height, SKColorType.Rgba8888, SKAlphaType.Premul));
        // The wall first, copied byte for byte (what drawing the opaque wall over the empty bitmap gives, without blending).
        Wall().GetPixelSpan().CopyTo(bitmap.GetPixelSpan());
        using (var canvas = new SKCanvas(bitmap))
        {
            var seed = scene switch
            {
                SimulatedScene.QrText q => q.Style.Seed,
                SimulatedScene.Image i => i.Style.Seed,
                _ => 7,
            };
            DrawHall(canvas, seed, scene is SimulatedScene.Empty { Motion: true } ? frameIndex : -1);
            switch (scene)
            {
                case SimulatedScene.QrText q:
                    DrawPhone(canvas, q.Style, CachedModulesOf(q.Text), null);
                    break;
                case SimulatedScene.Image i:
                    DrawPhone(canvas, i.Style, null, i.Bitmap);
                    break;
            }
        }

        var luma = recycled ?? new byte[_width * _height];
        if (!OpaqueLuma(bitmap, luma))
        {
            luma = LumaImage.FromBitmap(bitmap).Pixels;
        }

        var exposure = scene switch
        {
            SimulatedScene.QrText q => q.Style.Exposure,
            SimulatedScene.Image i => i.Style.Exposure,
            _ => 1.0,
        };
        if (Math.Abs(exposure - 1.0) > 1e-9)
        {
            // Each grey level's value once, then a look-up per pixel: the same values as scaling each pixel.
            Span<byte> levels = stackalloc byte[256];
            for (var v = 0; v < levels.Length; v++)
            {
                levels[v] = (byte)Math.Clamp(v * exposure, 0, 255);
            }

            for (var i = 0; i < luma.Length; i++)
            {
                luma[i] = levels[luma[i]];
            }
        }

        return luma;
    }

    /// <summary>Whether <paramref name="text"/> fits in the QR code the simulated phone shows (level M, UTF-8).</summary>
    public static bool CanShow(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            _ = Encode(text);
            return true;
        }
        catch (ZXing.WriterException)
        {
            return false;
        }
    }

    /// <summary>The side, in modules (without quiet zone), of the QR code the simulated phone shows for <paramref name="text"/>.</summary>
    /// <exception cref="ZXing.WriterException">The text does not fit (<see cref="CanShow"/>).</exception>
    public static int SideInModules(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Encode(text).Version.DimensionForVersion;
    }

    private static QRCode Encode(string text) =>
        Encoder.encode(text, ErrorCorrectionLevel.M, new Dictionary<ZXing.EncodeHintType, object> { [ZXing.EncodeHintType.CHARACTER_SET] = "UTF-8" });

    /// <summary>
    /// The luminance of an opaque RGBA frame, straight from its pixels: for alpha 255 exactly what
    /// <see cref="LumaImage.FromBitmap"/> gives (same BT.601 integer weights and rounding), without its copy to
    /// unpremultiplied colour. Null when a pixel is not opaque (then <see cref="LumaImage.FromBitmap"/> composes it over white).
    /// </summary>
    internal static byte[]? OpaqueLuma(SKBitmap bitmap)
    {
        var luma = new byte[bitmap.Width * bitmap.Height];
        return OpaqueLuma(bitmap, luma) ? luma : null;
    }

    /// <summary><see cref="OpaqueLuma(SKBitmap)"/> into <paramref name="luma"/> (width × height); false as it gives null.</summary>
    internal static bool OpaqueLuma(SKBitmap bitmap, byte[] luma)
    {
        var info = bitmap.Info;
        if (info.ColorType != SKColorType.Rgba8888)
        {
            return false;
        }

        var width = info.Width;
        var height = info.Height;
        var stride = bitmap.RowBytes;
        var src = bitmap.GetPixelSpan();
        for (var y = 0; y < height; y++)
        {
            // One 32-bit read per pixel: R in the low byte, A in the high byte (little-endian RGBA).
            var row = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(src.Slice(y * stride, width * 4));
            if (!OpaqueLumaRow(row, luma.AsSpan(y * width, width)))
            {
                return false;
            }
        }

        return true;
    }

    // One row of OpaqueLuma; false when a pixel is not opaque. 16 pixels at a time where the CPU has 128-bit vectors
    // (SSE4.1 here, NEON on the Pi): (299 R + 587 G + 114 B + 500) / 1000 in 32-bit lanes, the division exact as
    // ((s >> 3) × 33555) >> 22 for every s up to 255,500 (SensorNoiseTests checks every colour); the tail runs the
    // scalar loop, which gives the same values.
    internal static bool OpaqueLumaRow(ReadOnlySpan<uint> row, Span<byte> luma)
    {
        var x = 0;
        var alpha = 0xFF000000u;
        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            var opaque = Vector128.Create(0xFF000000u);
            var all = opaque;
            for (; x <= row.Length - 16; x += 16)
            {
                var p0 = Vector128.Create(row.Slice(x, 4));
                var p1 = Vector128.Create(row.Slice(x + 4, 4));
                var p2 = Vector128.Create(row.Slice(x + 8, 4));
                var p3 = Vector128.Create(row.Slice(x + 12, 4));
                all &= p0 & p1 & p2 & p3;
                var low = Vector128.Narrow(Luma4(p0), Luma4(p1));
                var high = Vector128.Narrow(Luma4(p2), Luma4(p3));
                Vector128.Narrow(low, high).CopyTo(luma.Slice(x, 16));
            }

            if (!Vector128.EqualsAll(all & opaque, opaque))
            {
                return false;
            }
        }

        for (; x < row.Length; x++)
        {
            var p = BitConverter.IsLittleEndian ? row[x] : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(row[x]);
            alpha &= p;
            luma[x] = (byte)((299u * (p & 0xFF) + 587u * ((p >> 8) & 0xFF) + 114u * ((p >> 16) & 0xFF) + 500u) / 1000u);
        }

        return alpha == 0xFF000000u;
    }

    private static Vector128<uint> Luma4(Vector128<uint> p)
    {
        var bytes = Vector128.Create(0xFFu);
        var sum = ((p & bytes) * 299u) + (((p >> 8) & bytes) * 587u) + (((p >> 16) & bytes) * 114u) + Vector128.Create(500u);
        return ((sum >> 3) * 33555u) >> 22;
    }

    // The module matrices of the texts drawn lately (a few KB each): a visitor adjusting the phone shows the same
    // code in a new pose, and a day's holders come back with the same codes. The oldest goes first.
    private const int CachedTexts = 256;
    private readonly Dictionary<string, bool[,]> _modules = new(StringComparer.Ordinal);
    private readonly Queue<string> _modulesOrder = new();

    private bool[,] CachedModulesOf(string text)
    {
        if (!_modules.TryGetValue(text, out var modules))
        {
            modules = ModulesOf(text);
            if (_modules.Count == CachedTexts)
            {
                _modules.Remove(_modulesOrder.Dequeue());
            }

            _modules[text] = modules;
            _modulesOrder.Enqueue(text);
        }

        return modules;
    }

    private static bool[,] ModulesOf(string text)
    {
        var code = Encode(text);
        var m = code.Matrix;
        var modules = new bool[m.Width, m.Height];
        for (var y = 0; y < m.Height; y++)
        {
            for (var x = 0; x < m.Width; x++)
            {
                modules[x, y] = m[x, y] == 1;
            }
        }

        return modules;
    }

    // The kiosk's surroundings: a lit wall, a door frame, a floor; with motion, someone walking past.
    // The wall's gradient, the same behind every scene: drawn once and copied into each new frame (the same pixels as
    // drawing it each time).
    private SKBitmap? _wall;

    private SKBitmap Wall()
    {
        if (_wall is null)
        {
            var wall = new SKBitmap(new SKImageInfo(_width, _height, SKColorType.Rgba8888, SKAlphaType.Premul));
            using var canvas = new SKCanvas(wall);
            using var paint = new SKPaint();
            using var gradient = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, _height),
                [new SKColor(150, 146, 140), new SKColor(95, 92, 88)], SKShaderTileMode.Clamp);
            paint.Shader = gradient;
            canvas.DrawRect(0, 0, _width, _height, paint);
            _wall = wall;
        }

        return _wall;
    }

    private void DrawHall(SKCanvas canvas, int seed, long motionFrame)
    {
        // The wall is already in the bitmap (RenderLuma copies it in).
        var r = new Random(seed * 31 + 5);

        using var paint = new SKPaint { IsAntialias = true };
        paint.Color = new SKColor(70, 64, 60);
        var doorX = (float)(_width * (0.05 + 0.2 * r.NextDouble()));
        canvas.DrawRect(doorX, _height * 0.1f, _width * 0.18f, _height * 0.9f, paint);
        paint.Color = new SKColor(120, 120, 125);
        canvas.DrawRect(0, _height * 0.82f, _width, _height * 0.18f, paint);
        if (motionFrame >= 0)
        {
            // A passer-by crossing the frame in about four seconds at 30 fps.
            var x = (float)((motionFrame * 11 % (_width + 400)) - 200);
            paint.Color = new SKColor(40, 42, 48);
            canvas.DrawOval(new SKRect(x, _height * 0.15f, x + 180, _height), paint);
            paint.Color = new SKColor(170, 140, 120);
            canvas.DrawCircle(x + 90, _height * 0.12f, 55, paint);
        }
    }

    private void DrawPhone(SKCanvas canvas, SceneStyle style, bool[,]? modules, SKBitmap? picture)
    {
        var r = new Random(style.Seed);
        var side = (float)(style.CodeFraction * _height);
        var screenW = side * 1.3f;
        var screenH = screenW * 2.0f;
        var bezel = side * 0.06f;
        var codeCenterY = -screenH * 0.1f;

        var persp = SKMatrix.Identity;
        persp.Persp0 = (float)(style.TiltX * 2 / side);
        persp.Persp1 = (float)(style.TiltY * 2 / side);
        var matrix = SKMatrix.CreateTranslation((float)(_width * (0.5 + style.OffsetX)), (float)(_height * (0.5 + style.OffsetY)))
            .PreConcat(SKMatrix.CreateRotationDegrees((float)style.RotationDegrees))
            .PreConcat(persp)
            .PreConcat(SKMatrix.CreateTranslation(0, -codeCenterY));

        canvas.Save();
        using var blurPaint = new SKPaint();
        using var blur = style.Blur > 0 ? SKImageFilter.CreateBlur((float)style.Blur, (float)style.Blur) : null;
        if (blur is not null)
        {
            blurPaint.ImageFilter = blur;
            canvas.SaveLayer(blurPaint);
        }

        canvas.SetMatrix(matrix);
        using var paint = new SKPaint { IsAntialias = true };
        paint.Color = new SKColor(25, 25, 28);
        canvas.DrawRoundRect(new SKRect(-screenW / 2 - bezel, -screenH / 2 - bezel * 2, screenW / 2 + bezel, screenH / 2 + bezel * 2), bezel * 2, bezel * 2, paint);
        paint.Color = new SKColor(235, 238, 240);
        var screen = new SKRect(-screenW / 2, -screenH / 2, screenW / 2, screenH / 2);
        canvas.DrawRect(screen, paint);

        var codeRect = new SKRect(-side / 2, codeCenterY - side / 2, side / 2, codeCenterY + side / 2);
        if (modules is not null)
        {
            var n = modules.GetLength(0);
            var m = side / n;
            paint.Color = new SKColor(12, 12, 14);
            paint.IsAntialias = false;
            using var path = new SKPath();
            for (var y = 0; y < n; y++)
            {
                for (var x = 0; x < n; x++)
                {
                    if (modules[x, y])
                    {
                        path.AddRect(new SKRect(codeRect.Left + x * m, codeRect.Top + y * m, codeRect.Left + (x + 1) * m, codeRect.Top + (y + 1) * m));
                    }
                }
            }

            paint.IsAntialias = true;
            canvas.DrawPath(path, paint);
        }
        else if (picture is not null)
        {
            var scale = Math.Min(screenW * 0.92f / picture.Width, screenH * 0.6f / picture.Height);
            var w = picture.Width * scale;
            var h = picture.Height * scale;
            using var image = SKImage.FromBitmap(picture);
            canvas.DrawImage(image, new SKRect(-w / 2, codeCenterY - h / 2, w / 2, codeCenterY + h / 2), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        if (style.Moire > 0)
        {
            // The screen's pixel grid aliased by the sensor: slow, slightly skewed light/dark bands across the screen.
            var period = side * (0.08f + 0.05f * (float)r.NextDouble());
            var alpha = (byte)Math.Clamp(style.Moire * 255, 0, 255);
            using var bands = new SKPaint { IsAntialias = true, BlendMode = SKBlendMode.Multiply };
            using var bandShader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(period, period * 0.3f),
                [SKColors.White, new SKColor((byte)(255 - alpha), (byte)(255 - alpha), (byte)(255 - alpha)), SKColors.White], SKShaderTileMode.Repeat);
            bands.Shader = bandShader;
            canvas.DrawRect(screen, bands);
        }

        if (style.Glare > 0)
        {
            var gx = (float)((r.NextDouble() - 0.5) * side * 0.8);
            var gy = codeCenterY + (float)((r.NextDouble() - 0.5) * side * 0.8);
            var radius = side * (0.15f + 0.2f * (float)r.NextDouble());
            var a = (byte)Math.Clamp(style.Glare * 255, 0, 255);
            using var glare = new SKPaint { IsAntialias = true };
            using var glareShader = SKShader.CreateRadialGradient(new SKPoint(gx, gy), radius,
                [new SKColor(255, 255, 255, a), new SKColor(255, 255, 255, 0)], SKShaderTileMode.Clamp);
            glare.Shader = glareShader;
            canvas.DrawCircle(gx, gy, radius, glare);
        }

        if (style.Blur > 0)
        {
            canvas.Restore();
        }

        canvas.Restore();
    }
}
