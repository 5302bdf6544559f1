using Kiosk.Drivers.Camera;
using ZXing;
using ZXing.Common;
using ZXing.QrCode.Internal;

namespace Kiosk.Drivers.QrDecoding;

/// <summary>
/// The kiosk's QR decode pipeline on ZXing.Net (QR only), working on the luminance plane in place.
/// Per frame: motion gate → region of the last hit → downscaled frame (hybrid binarizer) → the same bits
/// inverted; only when finder patterns were seen but no code was read: full resolution (hybrid, then global
/// histogram), the downscaled frame with the global binarizer, a coarser downscale, and full resolution inverted.
/// A text is returned only after ZXing's Reed–Solomon error correction succeeded; anything else is "no code".
/// A frame with no code read says whether a code was nevertheless seen (<see cref="QrDecodeResult.CodeSeen"/>: three
/// finder patterns; for a code too small for the downscaled frame, the far-code probe looks at full resolution).
/// </summary>
/// <remarks>One instance per camera: it keeps the motion reference and the last hit, and is not thread-safe.</remarks>
public sealed class QrFrameDecoder
{
    private readonly QrDecoderOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly MotionGate _gate;
    private readonly LumaDownscaler _downscaler = new();
    private readonly LumaDownscaler _coarseDownscaler = new();
    private readonly Decoder _decoder = new();
    private readonly PlaneHybridBinarizer _binarizer = new();
    private readonly QrGridSampler _sampler = new();
    private readonly LumaDownscaler _padder = new();

    // Stills are enlarged (×2, ×3) only while the enlarged side stays under this: beyond it modules are large enough already.
    private const int StillEnlargeMaxSide = 1600;
    private readonly Dictionary<DecodeHintType, object> _hints;
    private readonly Dictionary<DecodeHintType, object> _hardHints;
    private int _pointsSeen;
    private readonly List<(float X, float Y, float ModuleSize)> _candidates = [];

    private string? _lastText;
    private bool _lastSeen;
    private bool _codeSeen;
    private bool _probeSeen;
    private int _probeCountdown;
    private QrDecodePath _lastPath;
    private int _skipped;
    private (int Left, int Top, int Right, int Bottom)? _lastHit;
    private int _framesSinceHit = int.MaxValue;

    static QrFrameDecoder() => CodePageRegistration.Register();

    /// <summary>A decoder with the given tuning (defaults when null), timing on <paramref name="timeProvider"/>.</summary>
    public QrFrameDecoder(QrDecoderOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new QrDecoderOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _gate = new MotionGate(_options.MotionCellThreshold, _options.MotionMinChangedCells);
        ResultPointCallback callback = point =>
        {
            _pointsSeen++;
            if (_candidates.Count < 64)
            {
                _candidates.Add((point.X, point.Y, point is FinderPattern f ? f.EstimatedModuleSize : 0f));
            }
        };
        _hints = new() { [DecodeHintType.NEED_RESULT_POINT_CALLBACK] = callback };
        _hardHints = new() { [DecodeHintType.NEED_RESULT_POINT_CALLBACK] = callback, [DecodeHintType.TRY_HARDER] = true };
    }

    /// <summary>Decodes one camera frame (motion-gated: an unchanged frame repeats the previous result at almost no cost).</summary>
    public QrDecodeResult Decode(LumaFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var start = _timeProvider.GetTimestamp();
        if (_options.MotionGating)
        {
            var unchanged = _gate.IsUnchanged(frame.Pixels, frame.Width, frame.Height, frame.Stride);
            if (unchanged && _skipped < _options.MaxSkippedFrames)
            {
                _skipped++;
                return new QrDecodeResult(_lastText, true, QrDecodePath.Unchanged, _timeProvider.GetElapsedTime(start)) { CodeSeen = _lastSeen };
            }

            _gate.Accept(frame.Width, frame.Height);
            _skipped = 0;
        }

        _codeSeen = false;
        var (text, path, finders) = Run(frame.Pixels, frame.Width, frame.Height, frame.Stride, still: false);
        _lastText = text;
        _lastPath = path;
        _lastSeen = text is null && _codeSeen;
        return new QrDecodeResult(text, false, path, _timeProvider.GetElapsedTime(start)) { FinderPatternsSeen = finders, CodeSeen = _lastSeen };
    }

    /// <summary>
    /// Decodes a still image (a file for <c>kiosk scan</c> and <c>kiosk inspect --image</c>): no motion gate, no last hit;
    /// every stage is tried even when the cheap one saw no finder pattern; then again inside a light margin (a code cropped to
    /// its edge has no quiet zone), and a small image enlarged two and three times (codes of 1–3 pixels per module).
    /// </summary>
    public QrDecodeResult DecodeStill(byte[] pixels, int width, int height, int stride)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0 || stride < width || (long)stride * (height - 1) + width > pixels.Length)
        {
            throw new ArgumentException("The image's buffer is smaller than its geometry.", nameof(pixels));
        }

        var start = _timeProvider.GetTimestamp();
        _codeSeen = false;
        var (text, path, finders) = Run(pixels, width, height, stride, still: true);
        var margin = Math.Clamp(Math.Max(width, height) / 16, 8, 64);
        var (padded, pw, ph) = _padder.Pad(pixels, stride, 0, 0, width, height, margin);
        if (text is null)
        {
            bool paddedFinders;
            (text, path, paddedFinders) = Run(padded, pw, ph, pw, still: true);
            finders |= paddedFinders;
        }

        var largest = Math.Max(width, height);
        for (var factor = 2; text is null && factor <= 3 && largest * factor <= StillEnlargeMaxSide; factor++)
        {
            var (large, lw, lh) = _coarseDownscaler.Upscale(padded, pw, 0, 0, pw, ph, factor);
            foreach (var (hybrid, invert) in ((bool, bool)[])[(true, false), (false, false), (true, true)])
            {
                if (TryScaled(null, large, lw, 0, 0, lw, lh, 1, hybrid, invert, hard: true, ref finders, out var t, out _))
                {
                    (text, path) = (t, QrDecodePath.Enlarged);
                    break;
                }
            }
        }

        return new QrDecodeResult(text, false, path, _timeProvider.GetElapsedTime(start)) { FinderPatternsSeen = finders, CodeSeen = text is null && _codeSeen };
    }

    /// <summary>Decodes an image file (PNG, JPEG, WebP) as a still: <c>kiosk scan</c>, <c>kiosk inspect --image</c>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a readable image, or over <see cref="LumaImage.MaxPixels"/> (checked before decoding).</exception>
    public QrDecodeResult DecodeFile(string path) => DecodeStill(LumaImage.Load(path));

    /// <summary>Decodes an encoded image (PNG, JPEG, WebP) as a still.</summary>
    /// <exception cref="InvalidDataException">Not a readable image, or over <see cref="LumaImage.MaxPixels"/> (checked before decoding).</exception>
    public QrDecodeResult DecodeImage(byte[] encoded) => DecodeStill(LumaImage.Decode(encoded));

    /// <summary>Decodes a luminance image as a still.</summary>
    public QrDecodeResult DecodeStill(LumaImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return DecodeStill(image.Pixels, image.Width, image.Height, image.Width);
    }

    /// <summary>Forgets the motion reference and the last hit (e.g. after the camera restarted).</summary>
    public void Reset()
    {
        _gate.Reset();
        _lastHit = null;
        _lastText = null;
        _lastSeen = false;
        _probeSeen = false;
        _probeCountdown = 0;
        _lastPath = QrDecodePath.None;
        _skipped = 0;
        _framesSinceHit = int.MaxValue;
    }

    /// <summary>The path of the last decoded (not skipped) frame.</summary>
    public QrDecodePath LastPath => _lastPath;

    private (string? Text, QrDecodePath Path, bool Finders) Run(byte[] pixels, int width, int height, int stride, bool still)
    {
        if (width <= 0 || height <= 0 || stride < width || (long)stride * (height - 1) + width > pixels.Length)
        {
            throw new ArgumentException("The frame's buffer is smaller than its geometry.", nameof(pixels));
        }

        var finders = false;
        string? text;
        ResultPoint[]? points;

        // 1. Around the last hit, full resolution: the visitor is still holding the phone where it was.
        if (!still && _lastHit is { } hit && _framesSinceHit < _options.LastHitFrames)
        {
            _framesSinceHit++;
            var (l, t, r, b) = hit;
            var mx = (r - l) * 3 / 5 + 16;
            var my = (b - t) * 3 / 5 + 16;
            var left = Math.Max(0, l - mx);
            var top = Math.Max(0, t - my);
            var w = Math.Min(width, r + mx) - left;
            var h = Math.Min(height, b + my) - top;
            if (w > 32 && h > 32)
            {
                var factor = Math.Max(1, (w + _options.CheapMaxWidth - 1) / _options.CheapMaxWidth);
                if (TryScaled(_downscaler, pixels, stride, left, top, w, h, factor, hybrid: true, invert: false, hard: false, ref finders, out text, out points))
                {
                    return Hit(text, points, left, top, factor, QrDecodePath.LastHitRegion);
                }
            }
        }

        // 2. The whole frame, downscaled: one hybrid binarization, then the same bits inverted.
        var cheap = Math.Max(1, (width + _options.CheapMaxWidth - 1) / _options.CheapMaxWidth);
        var (small, sw, sh) = cheap == 1 ? (pixels, width, height) : _downscaler.Downscale(pixels, stride, 0, 0, width, height, cheap);
        var smallStride = cheap == 1 ? stride : sw;
        var matrix = Binarize(new LumaPlaneSource(small, smallStride, 0, 0, sw, sh), hybrid: true);
        var invertedFinders = false;
        (int Left, int Top, int Width, int Height)? candidateRegion = null;
        if (matrix is not null)
        {
            if (TryMatrix(matrix, hard: false, ref finders, out text, out points))
            {
                return Hit(text, points, 0, 0, cheap, QrDecodePath.Downscaled);
            }

            candidateRegion = CandidateRegion(cheap, width, height);

            if (!finders || still)
            {
                var inverted = (BitMatrix)matrix.Clone();
                inverted.flip();
                if (TryMatrix(inverted, hard: false, ref invertedFinders, out text, out points))
                {
                    return Hit(text, points, 0, 0, cheap, QrDecodePath.DownscaledInverted);
                }
            }
        }

        if (!finders && !invertedFinders && !still)
        {
            ProbeFarCode(pixels, stride, width, height);
            return Miss(false);
        }

        _probeCountdown = 0;

        // 3. Harder paths: the cheap one saw finder patterns but could not read a code.
        if (!invertedFinders || finders || still)
        {
            // First at full resolution around what looked like finder patterns: most of the frame is not the phone.
            if (candidateRegion is { } c &&
                TryScaled(null, pixels, stride, c.Left, c.Top, c.Width, c.Height, 1, hybrid: true, invert: false, hard: true, ref finders, out text, out points))
            {
                return Hit(text, points, c.Left, c.Top, 1, QrDecodePath.FinderRegion);
            }

            if (TryScaled(null, pixels, stride, 0, 0, width, height, 1, hybrid: true, invert: false, hard: true, ref finders, out text, out points))
            {
                return Hit(text, points, 0, 0, 1, QrDecodePath.FullFrame);
            }

            if (TryScaled(null, pixels, stride, 0, 0, width, height, 1, hybrid: false, invert: false, hard: true, ref finders, out text, out points))
            {
                return Hit(text, points, 0, 0, 1, QrDecodePath.FullFrameGlobal);
            }

            if (cheap > 1 && TryScaled(null, small, smallStride, 0, 0, sw, sh, 1, hybrid: false, invert: false, hard: true, ref finders, out text, out points))
            {
                return Hit(text, points, 0, 0, cheap, QrDecodePath.DownscaledGlobal);
            }

            var coarse = cheap * 2;
            if (width / coarse >= 120 && height / coarse >= 120 &&
                TryScaled(_coarseDownscaler, pixels, stride, 0, 0, width, height, coarse, hybrid: true, invert: false, hard: true, ref finders, out text, out points))
            {
                return Hit(text, points, 0, 0, coarse, QrDecodePath.Coarse);
            }
        }

        // Stills only: every other scale, both binarizers (photos range from 300 px scans to 4000 px blurred shots).
        if (still)
        {
            for (var factor = 1; width / factor >= 100 && height / factor >= 100 && factor <= 8; factor++)
            {
                if (factor == 1 || factor == cheap || factor == cheap * 2)
                {
                    continue;
                }

                foreach (var hybrid in (ReadOnlySpan<bool>)[true, false])
                {
                    if (TryScaled(_coarseDownscaler, pixels, stride, 0, 0, width, height, factor, hybrid, invert: false, hard: true, ref finders, out text, out points))
                    {
                        return Hit(text, points, 0, 0, factor, QrDecodePath.Coarse);
                    }
                }
            }
        }

        if ((invertedFinders || still) &&
            TryScaled(null, pixels, stride, 0, 0, width, height, 1, hybrid: true, invert: true, hard: true, ref invertedFinders, out text, out points))
        {
            return Hit(text, points, 0, 0, 1, QrDecodePath.FullFrameInverted);
        }

        return Miss(finders || invertedFinders);
    }

    private (string? Text, QrDecodePath Path, bool Finders) Hit(string text, ResultPoint[] points, int left, int top, int factor, QrDecodePath path)
    {
        if (points.Length > 0)
        {
            float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
            foreach (var p in points)
            {
                minX = Math.Min(minX, p.X);
                minY = Math.Min(minY, p.Y);
                maxX = Math.Max(maxX, p.X);
                maxY = Math.Max(maxY, p.Y);
            }

            _lastHit = ((int)(left + minX * factor), (int)(top + minY * factor), (int)(left + maxX * factor), (int)(top + maxY * factor));
            _framesSinceHit = 0;
        }

        return (text, path, true);
    }

    // The full-resolution window around the finder-pattern candidates of the cheap pass, with a margin of the largest of 0.6 of their
    // spread, of 80 modules, and of 0.15 of the frame height; null when there were none or the window would be most of the frame anyway.
    private (int Left, int Top, int Width, int Height)? CandidateRegion(int factor, int width, int height)
    {
        if (_candidates.Count == 0)
        {
            return null;
        }

        // The densest cluster: the candidate with the most others within reach (a code's finders are close together;
        // stray candidates on the bezel or the hall are not), and those others.
        var reach = height * 0.6f / factor;
        var best = 0;
        var bestCount = -1;
        for (var i = 0; i < _candidates.Count; i++)
        {
            var count = 0;
            foreach (var other in _candidates)
            {
                count += Math.Abs(other.X - _candidates[i].X) <= reach && Math.Abs(other.Y - _candidates[i].Y) <= reach ? 1 : 0;
            }

            if (count > bestCount)
            {
                (best, bestCount) = (i, count);
            }
        }

        var centre = _candidates[best];
        float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue, module = 0;
        foreach (var (x, y, m) in _candidates)
        {
            if (Math.Abs(x - centre.X) <= reach && Math.Abs(y - centre.Y) <= reach)
            {
                module = Math.Max(module, m);
                minX = Math.Min(minX, x);
                minY = Math.Min(minY, y);
                maxX = Math.Max(maxX, x);
                maxY = Math.Max(maxY, y);
            }
        }

        var spread = Math.Max(maxX - minX, maxY - minY) * factor;
        // A finder sits at a corner: the code may reach a whole code size away. Health codes are version 8–15 (49–77 modules).
        var margin = (int)Math.Max(Math.Max(spread * 0.6f, module * factor * 80), height * 0.15f);
        var left = Math.Max(0, (int)(minX * factor) - margin);
        var top = Math.Max(0, (int)(minY * factor) - margin);
        var right = Math.Min(width, (int)(maxX * factor) + margin);
        var bottom = Math.Min(height, (int)(maxY * factor) + margin);
        var w = right - left;
        var h = bottom - top;
        return w < 48 || h < 48 || (long)w * h > (long)width * height * 3 / 4 ? null : (left, top, w, h);
    }

    private static (string? Text, QrDecodePath Path, bool Finders) Miss(bool finders) => (null, QrDecodePath.None, finders);

    /// <summary>
    /// The far-code probe: the downscaled frame showed no finder pattern, but a code held too far away (modules of a
    /// pixel or two) shows its three finder patterns only at full resolution. Every <see cref="QrDecoderOptions.FarCodeProbeEvery"/>-th
    /// such frame, ZXing's detector looks at the full-resolution frame; three finder patterns make the frame's code
    /// "seen" (not read: the probe never decodes, so what is read and when is the same with or without it). The
    /// frames between two probes repeat the last probe's answer.
    /// </summary>
    private void ProbeFarCode(byte[] pixels, int stride, int width, int height)
    {
        if (_options.FarCodeProbeEvery <= 0)
        {
            return;
        }

        if (_probeCountdown > 0)
        {
            _probeCountdown--;
            _codeSeen |= _probeSeen;
            return;
        }

        _probeCountdown = _options.FarCodeProbeEvery - 1;
        _probeSeen = false;
        var matrix = Binarize(new LumaPlaneSource(pixels, stride, 0, 0, width, height), hybrid: true);
        if (matrix is null)
        {
            return;
        }

        var detector = new CapturingDetector(matrix);
        try
        {
            detector.detect(_hardHints);
        }
        catch (Exception ex) when (ex is ReaderException or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            // Finder patterns without a grid that samples: still a code seen (Info is set before the grid is sampled).
        }

        _probeSeen = detector.Info is not null;
        _codeSeen |= _probeSeen;
    }

    private bool TryScaled(LumaDownscaler? downscaler, byte[] pixels, int stride, int left, int top, int width, int height, int factor,
        bool hybrid, bool invert, bool hard, ref bool finders, out string text, out ResultPoint[] points)
    {
        LumaPlaneSource source;
        if (factor == 1)
        {
            source = new LumaPlaneSource(pixels, stride, left, top, width, height);
        }
        else
        {
            var (p, w, h) = (downscaler ?? _downscaler).Downscale(pixels, stride, left, top, width, height, factor);
            source = new LumaPlaneSource(p, w, 0, 0, w, h);
        }

        var matrix = Binarize(source, hybrid);
        if (matrix is null)
        {
            text = string.Empty;
            points = [];
            return false;
        }

        if (invert)
        {
            matrix.flip();
        }

        return TryMatrix(matrix, hard, ref finders, out text, out points);
    }

    private BitMatrix? Binarize(LumaPlaneSource source, bool hybrid)
    {
        if (hybrid && _binarizer.Binarize(source.Plane, source.PlaneStride, source.Left, source.Top, source.Width, source.Height) is { } fast)
        {
            return fast;
        }

        try
        {
            return hybrid ? new HybridBinarizer(source).BlackMatrix : new GlobalHistogramBinarizer(source).BlackMatrix;
        }
        catch (ReaderException)
        {
            return null;
        }
    }

    // Detector then decoder; the decoder returns a text only when every RS block corrected (ZXing's own check). On the harder
    // paths, when ZXing found three finder patterns but its grid did not decode, the grid sampler tries a better-fitted grid.
    private bool TryMatrix(BitMatrix matrix, bool hard, ref bool finders, out string text, out ResultPoint[] points)
    {
        text = string.Empty;
        points = [];
        _pointsSeen = 0;
        _candidates.Clear();
        var hints = hard ? _hardHints : _hints;
        var detector = new CapturingDetector(matrix);
        try
        {
            var detected = detector.detect(hints);
            if (detected is not null)
            {
                finders = true;
                var decoded = _decoder.decode(detected.Bits, hints);
                if (decoded?.Text is not null)
                {
                    text = decoded.Text;
                    points = detected.Points ?? [];
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is ReaderException or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            // ZXing signals some malformed symbols by exception rather than null: no code (yet).
        }

        finders |= _pointsSeen >= 1;
        _codeSeen |= detector.Info is not null;
        if (!hard || detector.Info is not { } info)
        {
            return false;
        }

        finders = true;
        var moduleSize = (info.TopLeft.EstimatedModuleSize + info.TopRight.EstimatedModuleSize + info.BottomLeft.EstimatedModuleSize) / 3;
        if (_sampler.TryRead(matrix, info.TopLeft, info.TopRight, info.BottomLeft, moduleSize, _decoder, hints) is { } read)
        {
            (text, points) = read;
            return true;
        }

        return false;
    }

    /// <summary>ZXing's QR detector, remembering the finder patterns it chose (the grid sampler starts from them when ZXing's grid fails).</summary>
    private sealed class CapturingDetector(BitMatrix image) : Detector(image)
    {
        public FinderPatternInfo? Info { get; private set; }

        protected override DetectorResult processFinderPatternInfo(FinderPatternInfo info)
        {
            Info = info;
            return base.processFinderPatternInfo(info);
        }
    }
}
