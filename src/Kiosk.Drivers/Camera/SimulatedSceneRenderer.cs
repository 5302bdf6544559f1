using Kiosk.Drivers.QrDecoding;
using SkiaSharp;
using ZXing.QrCode.Internal;

namespace Kiosk.Drivers.Camera;

/// <summary>
/// Renders a <see cref="SimulatedScene"/> as the camera's luminance plane with SkiaSharp: a hall in the background,
/// a phone whose screen shows the code (ZXing's QR encoder gives the module matrix), the phone's pose (scale, rotation,
/// perspective), defocus blur, a glare spot, the screen's moiré, exposure and sensor noise. Deterministic per seed and frame index.
/// A still scene is rendered once and only the noise changes per frame.
/// </summary>
public sealed class SimulatedSceneRenderer
{
    private const int NoiseTableSize = 1 << 16;
    private readonly int _width;
    private readonly int _height;
    private SimulatedScene? _cachedScene;
    private byte[] _cachedBase = [];
    private readonly sbyte[] _noise = new sbyte[NoiseTableSize + 4096];
    private int _noiseSeed = int.MinValue;

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
            baseLuma = RenderLuma(scene, frameIndex);
        }
        else
        {
            if (!ReferenceEquals(scene, _cachedScene))
            {
                _cachedBase = RenderLuma(scene, 0);
                _cachedScene = scene;
            }

            baseLuma = _cachedBase;
        }

        AddNoise(baseLuma, destination, noise, style?.Seed ?? 7, frameIndex);
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

        if (_noiseSeed != seed)
        {
            var r = new Random(seed);
            for (var i = 0; i < _noise.Length; i++)
            {
                // Sum of four uniforms: close enough to Gaussian, unit variance after scaling.
                var g = (r.NextDouble() + r.NextDouble() + r.NextDouble() + r.NextDouble() - 2.0) * 1.732;
                _noise[i] = (sbyte)Math.Clamp(Math.Round(g * 16), -127, 127);
            }

            _noiseSeed = seed;
        }

        var scale = (int)Math.Round(sigma * 16);
        var offset = (int)((frameIndex * 7919) & (NoiseTableSize - 1));
        var stepRow = 1 + (int)(frameIndex % 13);
        for (var y = 0; y < _height; y++)
        {
            var o = y * _width;
            var t = (offset + y * 4093 * stepRow) & (NoiseTableSize - 1);
            for (var x = 0; x < _width; x++)
            {
                var v = source[o + x] + ((_noise[(t + x) & (NoiseTableSize - 1)] * scale) >> 8);
                destination[o + x] = (byte)Math.Clamp(v, 0, 255);
            }
        }
    }

    private byte[] RenderLuma(SimulatedScene scene, long frameIndex)
    {
        var info = new SKImageInfo(_width, _height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
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
                    DrawPhone(canvas, q.Style, ModulesOf(q.Text), null);
                    break;
                case SimulatedScene.Image i:
                    DrawPhone(canvas, i.Style, null, i.Bitmap);
                    break;
            }
        }

        var luma = LumaImage.FromBitmap(bitmap).Pixels;
        var exposure = scene switch
        {
            SimulatedScene.QrText q => q.Style.Exposure,
            SimulatedScene.Image i => i.Style.Exposure,
            _ => 1.0,
        };
        if (Math.Abs(exposure - 1.0) > 1e-9)
        {
            for (var i = 0; i < luma.Length; i++)
            {
                luma[i] = (byte)Math.Clamp(luma[i] * exposure, 0, 255);
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

    private static QRCode Encode(string text) =>
        Encoder.encode(text, ErrorCorrectionLevel.M, new Dictionary<ZXing.EncodeHintType, object> { [ZXing.EncodeHintType.CHARACTER_SET] = "UTF-8" });

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
    private void DrawHall(SKCanvas canvas, int seed, long motionFrame)
    {
        var r = new Random(seed * 31 + 5);
        using (var wall = new SKPaint())
        {
            wall.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, _height),
                [new SKColor(150, 146, 140), new SKColor(95, 92, 88)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, _width, _height, wall);
        }

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
        if (style.Blur > 0)
        {
            blurPaint.ImageFilter = SKImageFilter.CreateBlur((float)style.Blur, (float)style.Blur);
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
            bands.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(period, period * 0.3f),
                [SKColors.White, new SKColor((byte)(255 - alpha), (byte)(255 - alpha), (byte)(255 - alpha)), SKColors.White], SKShaderTileMode.Repeat);
            canvas.DrawRect(screen, bands);
        }

        if (style.Glare > 0)
        {
            var gx = (float)((r.NextDouble() - 0.5) * side * 0.8);
            var gy = codeCenterY + (float)((r.NextDouble() - 0.5) * side * 0.8);
            var radius = side * (0.15f + 0.2f * (float)r.NextDouble());
            var a = (byte)Math.Clamp(style.Glare * 255, 0, 255);
            using var glare = new SKPaint { IsAntialias = true };
            glare.Shader = SKShader.CreateRadialGradient(new SKPoint(gx, gy), radius,
                [new SKColor(255, 255, 255, a), new SKColor(255, 255, 255, 0)], SKShaderTileMode.Clamp);
            canvas.DrawCircle(gx, gy, radius, glare);
        }

        if (style.Blur > 0)
        {
            canvas.Restore();
        }

        canvas.Restore();
    }
}
